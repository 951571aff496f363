import { objectRef } from '../types.ts';
import { byKind } from '../workloads.ts';
import type { Rule } from './rule.ts';

const REQUIRED_LABELS: Record<string, string | undefined> = {
  environment: undefined,
  tier: undefined,
  'istio-injection': 'enabled',
  'pod-security.kubernetes.io/enforce': 'restricted',
};

export const namespaceLabels: Rule = {
  id: 'namespace-labels',
  description:
    'the environment Namespace is labelled (environment, tier), meshed and enforces the restricted Pod Security Standard',
  scope: 'environment',
  check({ target }) {
    const namespaces = byKind(target.objects, 'Namespace');
    if (namespaces.length !== 1)
      return [
        {
          object: '-',
          field: 'Namespace',
          message: `expected one Namespace, found ${namespaces.length}`,
        },
      ];
    const namespace = namespaces[0]!;
    const labels = namespace.metadata.labels ?? {};
    return Object.entries(REQUIRED_LABELS)
      .filter(([key, value]) => (value === undefined ? !labels[key] : labels[key] !== value))
      .map(([key, value]) => ({
        object: objectRef(namespace),
        field: `metadata.labels.${key}`,
        message: value === undefined ? 'must be set' : `must be ${value}`,
      }));
  },
};
