import { objectRef, type K8sObject } from '../types.ts';
import { byKind, isService, podOwners, selectorMatches, specOf } from '../workloads.ts';
import type { Rule } from './rule.ts';

interface HpaSpec {
  scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
  minReplicas?: number;
  maxReplicas?: number;
}

export const pdbPerWorkload: Rule = {
  id: 'pdb-per-workload',
  description: 'every long-running workload is covered by a PodDisruptionBudget',
  scope: 'workloads',
  check({ target }) {
    const budgets = byKind(target.objects, 'PodDisruptionBudget').map(
      (pdb) =>
        specOf<{ selector?: { matchLabels?: Record<string, string> } }>(pdb).selector?.matchLabels,
    );
    return podOwners(target.objects)
      .filter(isService)
      .filter((owner) => !budgets.some((selector) => selectorMatches(selector, owner.labels)))
      .map((owner) => ({
        object: objectRef(owner.object),
        field: 'spec.template.metadata.labels',
        message: 'no PodDisruptionBudget selects these pods',
      }));
  },
};

/** Whether Argo CD leaves /spec/replicas of this kind to the autoscaler (ignoreDifferences + RespectIgnoreDifferences). */
function argoIgnoresReplicas(argocd: readonly K8sObject[], group: string, kind: string): boolean {
  const templates = [
    ...byKind(argocd, 'ApplicationSet').map(
      (set) => specOf<{ template?: { spec?: unknown } }>(set).template?.spec,
    ),
    ...byKind(argocd, 'Application').map((app) => app['spec']),
  ] as Array<
    | {
        ignoreDifferences?: Array<{ group?: string; kind?: string; jsonPointers?: string[] }>;
        syncPolicy?: { syncOptions?: string[] };
      }
    | undefined
  >;
  return templates.some(
    (spec) =>
      spec?.syncPolicy?.syncOptions?.includes('RespectIgnoreDifferences=true') &&
      spec.ignoreDifferences?.some(
        (rule) =>
          (rule.group ?? '') === group &&
          rule.kind === kind &&
          rule.jsonPointers?.includes('/spec/replicas'),
      ),
  );
}

export const hpaOwnsReplicas: Rule = {
  id: 'hpa-owns-replicas',
  description:
    'an autoscaled workload sets no replicas, unless Argo CD ignores /spec/replicas for it (an initial size within the HPA range); every HPA targets an existing workload',
  scope: 'workloads',
  check({ target, argocd }) {
    const problems: Array<{ object: string; field: string; message: string }> = [];
    for (const hpa of byKind(target.objects, 'HorizontalPodAutoscaler')) {
      const spec = specOf<HpaSpec>(hpa);
      const ref = spec.scaleTargetRef ?? {};
      const workload = target.objects.find(
        (object) =>
          object.kind === ref.kind &&
          object.metadata.name === ref.name &&
          object.apiVersion === ref.apiVersion,
      );
      if (!workload) {
        problems.push({
          object: objectRef(hpa),
          field: 'spec.scaleTargetRef',
          message: `targets ${ref.apiVersion}/${ref.kind}/${ref.name}, which is not rendered`,
        });
        continue;
      }
      const replicas = specOf<{ replicas?: number }>(workload).replicas;
      if (replicas === undefined) continue;
      const group = workload.apiVersion.includes('/') ? workload.apiVersion.split('/')[0]! : '';
      const inRange =
        replicas >= (spec.minReplicas ?? 1) && replicas <= (spec.maxReplicas ?? replicas);
      if (!argoIgnoresReplicas(argocd, group, workload.kind) || !inRange)
        problems.push({
          object: objectRef(workload),
          field: 'spec.replicas',
          message: `fights HorizontalPodAutoscaler/${hpa.metadata.name}: remove it, or keep it within ${spec.minReplicas}–${spec.maxReplicas} and have Argo CD ignore /spec/replicas for ${workload.kind}`,
        });
    }
    return problems;
  },
};
