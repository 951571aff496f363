import { objectRef } from '../types.ts';
import { byKind, specOf } from '../workloads.ts';
import type { Rule } from './rule.ts';

interface AppSpec {
  syncPolicy?: {
    automated?: { prune?: boolean; selfHeal?: boolean };
    retry?: {
      limit?: number;
      backoff?: { duration?: string; factor?: number; maxDuration?: string };
    };
  };
}

export const argocdSyncPolicy: Rule = {
  id: 'argocd-sync-policy',
  description:
    'every Application (and ApplicationSet template) syncs automatically with prune and selfHeal and retries 5 times (5s, ×2, max 3m)',
  scope: 'argocd',
  check({ target }) {
    const apps = [
      ...byKind(target.objects, 'Application').map((app) => ({
        object: app,
        spec: specOf<AppSpec>(app),
        field: 'spec.syncPolicy',
      })),
      ...byKind(target.objects, 'ApplicationSet').map((set) => ({
        object: set,
        spec: specOf<{ template?: { spec?: AppSpec } }>(set).template?.spec ?? {},
        field: 'spec.template.spec.syncPolicy',
      })),
    ];
    const problems: Array<{ object: string; field: string; message: string }> = [];
    for (const { object, spec, field } of apps) {
      const policy = spec.syncPolicy;
      if (policy?.automated?.prune !== true || policy.automated.selfHeal !== true)
        problems.push({
          object: objectRef(object),
          field: `${field}.automated`,
          message: 'needs prune: true and selfHeal: true',
        });
      const retry = policy?.retry;
      if (
        retry?.limit !== 5 ||
        retry.backoff?.duration !== '5s' ||
        retry.backoff.factor !== 2 ||
        retry.backoff.maxDuration !== '3m'
      )
        problems.push({
          object: objectRef(object),
          field: `${field}.retry`,
          message: 'needs limit 5, backoff 5s, factor 2, maxDuration 3m',
        });
    }
    return problems;
  },
};
