import { objectRef, type K8sObject } from '../types.ts';
import { byKind, podOwners, selectorMatches, specOf } from '../workloads.ts';
import type { Rule } from './rule.ts';

interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: Array<{ name?: string; targetPort?: string | number; port: number }>;
}
interface ServiceMonitorSpec {
  selector?: { matchLabels?: Record<string, string> };
  endpoints?: Array<{ port?: string; path?: string; interval?: string }>;
}

/** Services that expose a pod's `metrics` port under a port named `metrics`. */
function metricsServices(
  objects: readonly K8sObject[],
  podLabels: Record<string, string>,
  containerPort: number,
): K8sObject[] {
  return byKind(objects, 'Service').filter((service) => {
    const spec = specOf<ServiceSpec>(service);
    return (
      selectorMatches(spec.selector, podLabels) &&
      spec.ports?.some(
        (port) =>
          port.name === 'metrics' &&
          (port.targetPort === 'metrics' || port.targetPort === containerPort),
      )
    );
  });
}

export const serviceMonitorCoverage: Rule = {
  id: 'service-monitor-coverage',
  description:
    'every container port named metrics is scraped: a Service exposes it and a ServiceMonitor selects that Service (port metrics, /metrics, 30s)',
  scope: 'environment',
  check({ target }) {
    const problems: Array<{ object: string; field: string; message: string }> = [];
    const monitors = byKind(target.objects, 'ServiceMonitor');
    for (const owner of podOwners(target.objects)) {
      for (const container of owner.spec.containers) {
        const port = container.ports?.find((candidate) => candidate.name === 'metrics');
        if (!port) continue;
        const services = metricsServices(target.objects, owner.labels, port.containerPort);
        const scraped = services.some((service) =>
          monitors.some((monitor) => {
            const spec = specOf<ServiceMonitorSpec>(monitor);
            return (
              selectorMatches(spec.selector?.matchLabels, service.metadata.labels ?? {}) &&
              spec.endpoints?.some(
                (endpoint) =>
                  endpoint.port === 'metrics' &&
                  endpoint.path === '/metrics' &&
                  endpoint.interval === '30s',
              )
            );
          }),
        );
        if (!scraped)
          problems.push({
            object: objectRef(owner.object),
            field: `${owner.path}.containers[${container.name}].ports[metrics]`,
            message: services.length
              ? `no ServiceMonitor (port metrics, path /metrics, interval 30s) selects ${services.map(objectRef).join(', ')}`
              : 'no Service exposes this metrics port under a port named metrics',
          });
      }
    }
    return problems;
  },
};
