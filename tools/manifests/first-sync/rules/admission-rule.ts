import type { SyncRule } from '../types.ts';
import {
  injectedContainers,
  isInjected,
  levelOf,
  podSecurityViolations,
  type AdmittedContainer,
  type InjectionMode,
} from '../admission.ts';
import { allContainers, namespaces, placeAll, placedRef, podTemplates } from '../inventory.ts';
import { pilotValue } from '../addon-catalog.ts';
import type { ClusterModel } from '../types.ts';

/** istiod injects when installed; it injects istio-validation only with istio-cni and its cni.enabled. */
export function injectionMode(cluster: ClusterModel): InjectionMode {
  const istiod = cluster.apps.find((app) => app.chart?.chart === 'istiod');
  const cniChart = cluster.apps.some((app) => app.chart?.chart === 'cni');
  return {
    injector: istiod !== undefined,
    cni: cniChart && pilotValue<boolean>(istiod?.values ?? {}, 'cni.enabled', false) === true,
  };
}

export const admissionRule: SyncRule = {
  id: 'pod-security-admission',
  description:
    "every pod, with the containers Istio injects, passes its namespace's Pod Security level (restricted needs istio-cni)",
  check(cluster) {
    const placed = placeAll(cluster);
    const levels = namespaces(cluster, placed);
    const mode = injectionMode(cluster);
    const problems = [];
    for (const template of podTemplates(placed)) {
      const labels = levels.get(template.owner.namespace ?? '') ?? {};
      const level = levelOf(labels);
      const containers: AdmittedContainer[] = allContainers(template.spec);
      if (isInjected(template, labels, mode)) {
        const injected = injectedContainers(mode);
        containers.push(injected.init, injected.sidecar);
      }
      const violations = podSecurityViolations(template.spec as never, containers, level);
      if (template.addon?.privileged && level !== 'privileged')
        violations.push(
          `${template.addon.name} needs a privileged namespace (hostPath/host networking)`,
        );
      if (violations.length)
        problems.push({
          object: placedRef(template.owner),
          message: `rejected by Pod Security "${level}" in ${template.owner.namespace}: ${violations.join('; ')}`,
        });
    }
    return problems;
  },
};
