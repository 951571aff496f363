import { byKind, specOf } from '../workloads.ts';
import type { Rule } from './rule.ts';

interface NetworkPolicySpec {
  podSelector?: { matchLabels?: object; matchExpressions?: unknown[] };
  policyTypes?: string[];
  ingress?: unknown[];
  egress?: unknown[];
}

export const defaultDenyNetworkPolicy: Rule = {
  id: 'default-deny-network-policy',
  description: 'a NetworkPolicy selecting every pod denies all ingress and egress by default',
  scope: 'environment',
  check({ target }) {
    const denies = byKind(target.objects, 'NetworkPolicy').some((policy) => {
      const spec = specOf<NetworkPolicySpec>(policy);
      const everyPod =
        Object.keys(spec.podSelector?.matchLabels ?? {}).length === 0 &&
        (spec.podSelector?.matchExpressions ?? []).length === 0;
      return (
        everyPod &&
        spec.policyTypes?.includes('Ingress') &&
        spec.policyTypes.includes('Egress') &&
        (spec.ingress ?? []).length === 0 &&
        (spec.egress ?? []).length === 0
      );
    });
    return denies
      ? []
      : [
          {
            object: '-',
            field: 'NetworkPolicy',
            message: 'no default-deny policy (podSelector {}, Ingress and Egress, no rules)',
          },
        ];
  },
};
