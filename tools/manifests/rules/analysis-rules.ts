import type { AnalysisTemplate } from '../crd-shapes.ts';
import { objectRef, type K8sObject } from '../types.ts';
import { byKind, specOf } from '../workloads.ts';
import type { Rule } from './rule.ts';

/** Routes every pod answers for kubelet and Prometheus: not traffic. */
const PROBE_ROUTES = ['/health', '/ready'];

export const durationSeconds = (value: string | undefined): number => {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value ?? '');
  if (!match) return 0;
  const n = Number(match[1]);
  return match[2] === 'h' ? n * 3600 : match[2] === 'm' ? n * 60 : match[2] === 's' ? n : n / 1000;
};

interface BlueGreen {
  scaleDownDelaySeconds?: number;
  prePromotionAnalysis?: { templates?: Array<{ templateName: string }> };
  postPromotionAnalysis?: { templates?: Array<{ templateName: string }> };
}

/** Scrape interval of the ServiceMonitors (the slowest), 30 s when none says. */
function scrapeSeconds(objects: readonly K8sObject[]): number {
  const intervals = byKind(objects, 'ServiceMonitor').flatMap((monitor) =>
    (specOf<{ endpoints?: Array<{ interval?: string }> }>(monitor).endpoints ?? []).map(
      (endpoint) => durationSeconds(endpoint.interval ?? '30s'),
    ),
  );
  return Math.max(30, ...intervals);
}

export const analysisGates: Rule = {
  id: 'analysis-gates',
  description:
    'release analyses measure real traffic: probes excluded, first measurement after the rate window fills, no traffic is inconclusive, post-promotion with the old revision kept',
  scope: 'environment',
  check({ target }) {
    const problems: Array<{ object: string; field: string; message: string }> = [];
    const templates = new Map(
      byKind(target.objects, 'AnalysisTemplate').map((t) => [
        t.metadata.name,
        t as unknown as AnalysisTemplate,
      ]),
    );
    const scrape = scrapeSeconds(target.objects);
    for (const rollout of byKind(target.objects, 'Rollout')) {
      const blueGreen = specOf<{ strategy?: { blueGreen?: BlueGreen } }>(rollout).strategy
        ?.blueGreen;
      if (!blueGreen) continue;
      if (blueGreen.prePromotionAnalysis?.templates?.length)
        problems.push({
          object: objectRef(rollout),
          field: 'spec.strategy.blueGreen.prePromotionAnalysis',
          message:
            'before promotion only the preview Service reaches the new revision and nothing sends it traffic: analyse after promotion',
        });
      for (const ref of blueGreen.postPromotionAnalysis?.templates ?? []) {
        const template = templates.get(ref.templateName);
        if (!template) continue;
        const analysisSeconds = Math.max(
          ...template.spec.metrics.map(
            (m) =>
              durationSeconds(m.initialDelay) +
              (m.count ?? 1) * durationSeconds(m.interval ?? '0s'),
          ),
        );
        if ((blueGreen.scaleDownDelaySeconds ?? 30) < analysisSeconds)
          problems.push({
            object: objectRef(rollout),
            field: 'spec.strategy.blueGreen.scaleDownDelaySeconds',
            message: `the old revision is scaled down after ${blueGreen.scaleDownDelaySeconds ?? 30} s, before the ${analysisSeconds} s analysis can abort back to it`,
          });
      }
    }
    for (const template of templates.values()) {
      template.spec.metrics.forEach((metric) => {
        const query = metric.provider.prometheus?.query ?? '';
        if (!query.includes('http_server_requests_seconds')) return;
        const field = `spec.metrics[${metric.name}]`;
        const ref = `AnalysisTemplate/${template.metadata.name}`;
        const selectors = [...query.matchAll(/http_server_requests_seconds\w*\{(.*?)\}\[/gs)].map(
          (m) => m[1]!,
        );
        if (
          !selectors.length ||
          !selectors.every((selector) =>
            PROBE_ROUTES.every((route) => new RegExp(`route!~"[^"]*${route}`).test(selector)),
          )
        )
          problems.push({
            object: ref,
            field: `${field}.provider.prometheus.query`,
            message: `every series must exclude the probe routes (route!~"${PROBE_ROUTES.join('|')}"): kubelet probes count as successful requests`,
          });
        const window = Math.max(
          0,
          ...[...query.matchAll(/\[(\d+[smh])\]/g)].map((m) => durationSeconds(m[1])),
        );
        if (durationSeconds(metric.initialDelay) < window + scrape)
          problems.push({
            object: ref,
            field: `${field}.initialDelay`,
            message: `the first measurement needs a filled ${window} s rate window plus a ${scrape} s scrape: initialDelay must be at least ${window + scrape} s`,
          });
        const nonEmpty = (condition: string | undefined) =>
          /len\(result\)\s*>\s*0/.test(condition ?? '');
        if (!nonEmpty(metric.successCondition) || !nonEmpty(metric.failureCondition))
          problems.push({
            object: ref,
            field,
            message:
              'both successCondition and failureCondition must require a non-empty result, so that no traffic is inconclusive rather than a pass or a failure',
          });
        if ((metric.failureLimit ?? 0) < 1 || (metric.failureLimit ?? 0) >= (metric.count ?? 1))
          problems.push({
            object: ref,
            field: `${field}.failureLimit`,
            message: 'failureLimit must tolerate one noisy measurement and stay below count',
          });
      });
    }
    return problems;
  },
};
