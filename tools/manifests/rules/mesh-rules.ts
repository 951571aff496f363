import { isDeepStrictEqual } from 'node:util';
import { virtualServiceHttpRoutes } from '../routes-to-istio.ts';
import { objectRef } from '../types.ts';
import { byKind, specOf } from '../workloads.ts';
import type { Rule } from './rule.ts';

export const mtlsStrict: Rule = {
  id: 'mtls-strict',
  description: 'a namespace-wide PeerAuthentication enforces STRICT mTLS and nothing relaxes it',
  scope: 'environment',
  check({ target }) {
    const problems: Array<{ object: string; field: string; message: string }> = [];
    const policies = byKind(target.objects, 'PeerAuthentication');
    type Spec = {
      selector?: unknown;
      mtls?: { mode?: string };
      portLevelMtls?: Record<string, { mode?: string }>;
    };
    if (
      !policies.some(
        (policy) => !specOf<Spec>(policy).selector && specOf<Spec>(policy).mtls?.mode === 'STRICT',
      )
    )
      problems.push({
        object: '-',
        field: 'PeerAuthentication',
        message: 'no namespace-wide PeerAuthentication with mtls.mode STRICT',
      });
    for (const policy of policies) {
      const spec = specOf<Spec>(policy);
      if (spec.mtls?.mode && spec.mtls.mode !== 'STRICT')
        problems.push({
          object: objectRef(policy),
          field: 'spec.mtls.mode',
          message: `${spec.mtls.mode} weakens mTLS`,
        });
      for (const [port, setting] of Object.entries(spec.portLevelMtls ?? {}))
        if (setting.mode !== 'STRICT')
          problems.push({
            object: objectRef(policy),
            field: `spec.portLevelMtls.${port}.mode`,
            message: `${setting.mode} weakens mTLS`,
          });
    }
    return problems;
  },
};

export const outlierDetection: Rule = {
  id: 'outlier-detection',
  description: 'every DestinationRule ejects failing endpoints (trafficPolicy.outlierDetection)',
  scope: 'workloads',
  check({ target }) {
    return byKind(target.objects, 'DestinationRule')
      .filter(
        (rule) =>
          !specOf<{ trafficPolicy?: { outlierDetection?: unknown } }>(rule).trafficPolicy
            ?.outlierDetection,
      )
      .map((rule) => ({
        object: objectRef(rule),
        field: 'spec.trafficPolicy.outlierDetection',
        message: 'must be set',
      }));
  },
};

export const routesMatchTable: Rule = {
  id: 'routes-match-table',
  description:
    'the public VirtualService routes exactly the @fediflow/routes table, in match order',
  scope: 'workloads',
  check({ target }) {
    const expected = virtualServiceHttpRoutes();
    const problems: Array<{ object: string; field: string; message: string }> = [];
    for (const service of byKind(target.objects, 'VirtualService').filter(
      (vs) => vs.metadata.name === 'fediflow',
    )) {
      const actual = specOf<{ http?: unknown[] }>(service).http ?? [];
      const length = Math.max(actual.length, expected.length);
      for (let index = 0; index < length; index++) {
        if (!isDeepStrictEqual(actual[index], expected[index]))
          problems.push({
            object: objectRef(service),
            field: `spec.http[${index}]`,
            message: `expected ${JSON.stringify(expected[index] ?? null)} from libs/routes, found ${JSON.stringify(actual[index] ?? null)}`,
          });
      }
    }
    return problems;
  },
};
