import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEnvironment } from '@fediflow/config';
import { renderAll } from './render.ts';
import { RULES } from './rules/index.ts';
import { validateSchemas } from './schema.ts';
import type { StrictChecker } from './strict-fields.ts';
import type { Finding, K8sObject, RenderedTarget } from './types.ts';
import { argocdObjects, runRules, strictCheckerFor, validateTarget } from './validate.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let targets: RenderedTarget[];
let strict: StrictChecker;
let argocd: K8sObject[];

beforeAll(async () => {
  targets = await renderAll(repoRoot);
  strict = strictCheckerFor(targets);
  argocd = argocdObjects(targets);
}, 60_000);

const target = (name: string): RenderedTarget => {
  const found = targets.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no target ${name}`);
  return found;
};

/** A deep copy of a rendered target with `mutate` applied to its objects. */
function mutated(name: string, mutate: (objects: K8sObject[]) => void): RenderedTarget {
  const original = target(name);
  const objects = structuredClone(original.objects);
  mutate(objects);
  return { ...original, objects };
}

function find(
  objects: K8sObject[],
  kind: string,
  name: string,
): K8sObject & { spec: any; data?: any } {
  const object = objects.find(
    (candidate) => candidate.kind === kind && candidate.metadata.name.startsWith(name),
  );
  if (!object) throw new Error(`no ${kind}/${name}`);
  return object as K8sObject & { spec: any };
}

const container = (objects: K8sObject[], kind = 'Deployment', name = 'api') =>
  find(objects, kind, name).spec.template.spec.containers[0];

/** The public VirtualService's streaming route (long-lived WebSocket and SSE responses). */
function streamingRoute(objects: K8sObject[]): { timeout?: string; retries?: unknown } {
  const http = find(objects, 'VirtualService', 'fediflow').spec.http as Array<{
    name: string;
    timeout?: string;
    retries?: unknown;
  }>;
  const route = http.find((candidate) => candidate.name === 'streaming');
  if (!route) throw new Error('no streaming route');
  return route;
}

function findingsOf(
  ruleId: string,
  changed: RenderedTarget,
  argocdObjects: readonly K8sObject[] = argocd,
): Finding[] {
  const rule = RULES.find((candidate) => candidate.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return runRules(changed, argocdObjects, [rule]);
}

describe('rendered tree', () => {
  it("renders every overlay, every component on the base, and each cluster's argocd/ entry point", () => {
    expect(targets.map((rendered) => rendered.name).sort()).toEqual([
      'argocd/azure-secondary',
      'argocd/dr',
      'argocd/edge',
      'argocd/gcp-dr',
      'argocd/production',
      'argocd/staging',
      'component/aws-web-identity',
      'component/backup-verification',
      'component/blue-green',
      'component/external-secrets',
      'component/flat-secret-names',
      'component/in-cluster-data',
      'component/media-s3',
      'component/mesh',
      'component/monitoring',
      'component/network-policies',
      'component/serverless-workers',
      'overlay/dev',
      'overlay/dr',
      'overlay/edge',
      'overlay/production',
      'overlay/production-dr',
      'overlay/secondary-cloud',
      'overlay/staging',
    ]);
    for (const rendered of targets)
      expect(rendered.objects.length, rendered.name).toBeGreaterThan(0);
  });

  it('passes schema, strict-field and policy checks everywhere', async () => {
    const findings = (
      await Promise.all(targets.map((rendered) => validateTarget(rendered, argocd, strict)))
    ).flatMap((result) => result.findings);
    expect(findings).toEqual([]);
  });

  it('gives each environment what the issue asks for', () => {
    const production = target('overlay/production').objects;
    expect(find(production, 'Rollout', 'api').spec.replicas).toBe(5);
    expect(find(production, 'HorizontalPodAutoscaler', 'api').spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 50,
      scaleTargetRef: { kind: 'Rollout', name: 'api' },
    });
    expect(find(production, 'Rollout', 'api').spec.strategy.blueGreen).toMatchObject({
      activeService: 'api',
      previewService: 'api-preview',
      postPromotionAnalysis: { templates: [{ templateName: 'http-success-rate' }] },
    });
    const staging = target('overlay/staging').objects;
    expect(find(staging, 'ConfigMap', 'fediflow-config').data).toMatchObject({
      NODE_ENV: 'staging',
      LOG_LEVEL: 'debug',
      FEDERATION_ENABLED: 'true',
      RATE_LIMIT_ENABLED: 'false',
      MONITORING_ENABLED: 'true',
    });
    expect(find(staging, 'ExternalSecret', 'database-credentials').spec.data[0].remoteRef.key).toBe(
      'fediflow/staging/database-credentials',
    );
    const dev = target('overlay/dev').objects;
    expect(dev.some((object) => object.kind === 'ExternalSecret')).toBe(false);
    // Media: S3 behind CloudFront where Terraform builds the bucket; the pod's disk in dev and edge.
    for (const name of ['overlay/staging', 'overlay/production', 'overlay/dr']) {
      expect(find(target(name).objects, 'ConfigMap', 'media-config').data).toMatchObject({
        MEDIA_STORAGE: 's3',
        MEDIA_PUBLIC_BASE_URL: expect.stringMatching(/^https:\/\/[a-z0-9]+\.cloudfront\.net$/),
      });
    }
    // The DR region's replica bucket and distribution, before failover and after it.
    const drMedia = find(target('overlay/dr').objects, 'ConfigMap', 'media-config').data;
    expect(drMedia).toMatchObject({
      MEDIA_S3_BUCKET: 'fediflow-dr-media-eu-west-1',
      MEDIA_S3_REGION: 'eu-west-1',
    });
    expect(drMedia.MEDIA_PUBLIC_BASE_URL).not.toBe(
      find(target('overlay/production').objects, 'ConfigMap', 'media-config').data
        .MEDIA_PUBLIC_BASE_URL,
    );
    expect(find(target('overlay/production-dr').objects, 'ConfigMap', 'media-config').data).toEqual(
      drMedia,
    );
    expect(find(target('overlay/production-dr').objects, 'Job', 'migrate').kind).toBe('Job');
    for (const name of ['overlay/dev', 'overlay/edge']) {
      const objects = target(name).objects;
      expect(objects.some((o) => o.metadata.name.startsWith('media-config'))).toBe(false);
      expect(JSON.stringify(container(objects))).not.toContain('MEDIA_STORAGE');
    }
    expect(find(dev, 'Secret', 'database-credentials').kind).toBe('Secret');
    for (const name of ['overlay/dev', 'overlay/staging', 'overlay/production']) {
      const objects = target(name).objects;
      // workers get no routed Service: only their metrics Service exists.
      expect(
        objects
          .filter(
            (o) =>
              o.kind === 'Service' && o.metadata.labels?.['app.kubernetes.io/name'] === 'workers',
          )
          .map((o) => o.metadata.name),
      ).toEqual(['workers-metrics']);
      expect(
        find(objects, 'Job', 'migrate').metadata.annotations?.['argocd.argoproj.io/hook'],
      ).toBe('Sync');
    }
  });
});

describe('schema and unknown fields', () => {
  const schemaFindings = (changed: RenderedTarget) =>
    validateSchemas(changed.name, changed.objects, strict);

  it('rejects a wrongly typed field in a built-in kind', async () => {
    const changed = mutated(
      'overlay/staging',
      (objects) => (find(objects, 'PodDisruptionBudget', 'api').spec.maxUnavailable = { one: 1 }),
    );
    expect(await schemaFindings(changed)).toContainEqual(
      expect.objectContaining({
        rule: 'schema',
        object: 'PodDisruptionBudget/api',
        field: 'spec.maxUnavailable',
      }),
    );
  });

  it('rejects an unknown field the model packages would accept', async () => {
    const changed = mutated('overlay/staging', (objects) => {
      find(objects, 'Deployment', 'api').spec.bogusField = true;
      container(objects).livenesProbe = container(objects).livenessProbe;
      find(objects, 'VirtualService', 'fediflow').spec.http[0].timeOut = '3s';
      find(objects, 'ServiceMonitor', 'api').spec.endpoints[0].intervall = '30s';
    });
    const findings = await schemaFindings(changed);
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'unknown-field',
          object: 'Deployment/api',
          field: 'spec.bogusField',
        }),
        expect.objectContaining({
          rule: 'unknown-field',
          object: 'Deployment/api',
          field: 'spec.template.spec.containers[0].livenesProbe',
        }),
        expect.objectContaining({
          rule: 'unknown-field',
          object: 'VirtualService/fediflow',
          field: 'spec.http[0].timeOut',
        }),
        expect.objectContaining({
          rule: 'unknown-field',
          object: 'ServiceMonitor/api',
          field: 'spec.endpoints[0].intervall',
        }),
      ]),
    );
    expect(findings).toHaveLength(4);
  });

  it('checks hand-written CRD shapes for types, required and unknown fields', async () => {
    const changed = mutated('overlay/production', (objects) => {
      const rollout = find(objects, 'Rollout', 'api');
      rollout.spec.replicas = 'five';
      rollout.spec.strategy.blueGreen.autoPromotion = true;
      delete find(objects, 'ExternalSecret', 'redis-credentials').spec.secretStoreRef;
    });
    expect(await schemaFindings(changed)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'schema', object: 'Rollout/api', field: 'spec.replicas' }),
        expect.objectContaining({
          rule: 'unknown-field',
          object: 'Rollout/api',
          field: 'spec.strategy.blueGreen.autoPromotion',
        }),
        expect.objectContaining({
          rule: 'schema',
          object: 'ExternalSecret/redis-credentials',
          field: 'spec.secretStoreRef',
        }),
      ]),
    );
  });

  it('rejects a kind it has no schema for', async () => {
    const changed = mutated('overlay/dev', (objects) =>
      objects.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    );
    expect(await schemaFindings(changed)).toContainEqual(
      expect.objectContaining({ rule: 'schema', object: 'Widget/w' }),
    );
  });
});

describe('policy rules reject bad manifests', () => {
  it('has a test below for every rule', () => {
    expect(RULES.map((rule) => rule.id).sort()).toEqual(Object.keys(cases).sort());
  });

  interface Case {
    target: string;
    mutate: (objects: K8sObject[]) => void;
    expect: Partial<Finding>;
    argocd?: K8sObject[];
  }

  const cases: Record<string, Case[]> = {
    'pod-security-context': [
      {
        target: 'overlay/dev',
        mutate: (o) => (container(o).securityContext.readOnlyRootFilesystem = false),
        expect: {
          object: 'Deployment/api',
          field: 'spec.template.spec.containers[app].securityContext.readOnlyRootFilesystem',
        },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => (find(o, 'Job', 'migrate').spec.template.spec.securityContext.runAsUser = 0),
        expect: { object: 'Job/migrate', field: 'spec.template.spec.securityContext.runAsUser' },
      },
      {
        target: 'component/mesh',
        mutate: (o) =>
          (container(o, 'Deployment', 'workers').securityContext.capabilities.drop = []),
        expect: { object: 'Deployment/workers' },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => (find(o, 'Deployment', 'federation').spec.template.spec.volumes = []),
        expect: {
          object: 'Deployment/federation',
          field: 'spec.template.spec.containers[app].volumeMounts',
        },
      },
    ],
    resources: [
      {
        target: 'overlay/staging',
        mutate: (o) => delete container(o).resources.limits.memory,
        expect: {
          object: 'Deployment/api',
          field: 'spec.template.spec.containers[app].resources.limits.memory',
        },
      },
    ],
    probes: [
      {
        target: 'overlay/staging',
        mutate: (o) => (container(o).readinessProbe.httpGet.path = '/health'),
        expect: { field: 'spec.template.spec.containers[app].readinessProbe.httpGet.path' },
      },
      {
        target: 'overlay/staging',
        mutate: (o) => (container(o).livenessProbe.httpGet.port = 'metrics'),
        expect: { field: 'spec.template.spec.containers[app].livenessProbe.httpGet.port' },
      },
      {
        target: 'overlay/staging',
        mutate: (o) => delete container(o, 'Deployment', 'workers').startupProbe,
        expect: {
          object: 'Deployment/workers',
          field: 'spec.template.spec.containers[app].startupProbe',
        },
      },
    ],
    'graceful-shutdown': [
      {
        target: 'overlay/dev',
        mutate: (o) =>
          (find(o, 'Deployment', 'api').spec.template.spec.terminationGracePeriodSeconds = 10),
        expect: { field: 'spec.template.spec.terminationGracePeriodSeconds' },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => delete container(o).lifecycle,
        expect: { field: 'spec.template.spec.containers[app].lifecycle.preStop' },
      },
    ],
    'topology-spread': [
      {
        target: 'overlay/dev',
        mutate: (o) =>
          delete find(o, 'Deployment', 'api').spec.template.spec.topologySpreadConstraints,
        expect: { object: 'Deployment/api' },
      },
    ],
    'image-pinning': [
      {
        target: 'overlay/dev',
        mutate: (o) => (container(o).image = 'ghcr.io/fediflow/api:latest'),
        expect: { object: 'Deployment/api', field: 'spec.template.spec.containers[app].image' },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => (container(o).image = 'ghcr.io/fediflow/api'),
        expect: { object: 'Deployment/api' },
      },
      {
        target: 'overlay/production',
        mutate: (o) => (container(o, 'Job', 'migrate').image = 'ghcr.io/fediflow/api:1.0.0'),
        expect: { object: 'Job/migrate' },
      },
    ],
    'pdb-per-workload': [
      {
        target: 'overlay/staging',
        mutate: (o) => o.splice(o.indexOf(find(o, 'PodDisruptionBudget', 'workers')), 1),
        expect: { object: 'Deployment/workers' },
      },
    ],
    'hpa-owns-replicas': [
      {
        target: 'overlay/staging',
        mutate: (o) => (find(o, 'Deployment', 'api').spec.replicas = 20),
        expect: { object: 'Deployment/api', field: 'spec.replicas' },
      },
      {
        target: 'overlay/production',
        mutate: (o) => (find(o, 'Rollout', 'api').spec.replicas = 80),
        expect: { object: 'Rollout/api', field: 'spec.replicas' },
      },
      // The initial 5 replicas are only acceptable because Argo CD ignores them afterwards.
      {
        target: 'overlay/production',
        mutate: () => undefined,
        argocd: [],
        expect: { object: 'Rollout/api', field: 'spec.replicas' },
      },
      {
        target: 'overlay/production',
        mutate: (o) =>
          (find(o, 'HorizontalPodAutoscaler', 'federation').spec.scaleTargetRef.name =
            'federatoin'),
        expect: { object: 'HorizontalPodAutoscaler/federation', field: 'spec.scaleTargetRef' },
      },
    ],
    'service-monitor-coverage': [
      {
        target: 'overlay/staging',
        mutate: (o) => o.splice(o.indexOf(find(o, 'ServiceMonitor', 'workers')), 1),
        expect: {
          object: 'Deployment/workers',
          field: 'spec.template.spec.containers[app].ports[metrics]',
        },
      },
      {
        target: 'overlay/staging',
        mutate: (o) => (find(o, 'ServiceMonitor', 'api').spec.endpoints[0].path = '/prometheus'),
        expect: { object: 'Deployment/api' },
      },
      {
        target: 'overlay/staging',
        mutate: (o) => (find(o, 'Service', 'federation-metrics').spec.ports[0].name = 'prom'),
        expect: { object: 'Deployment/federation' },
      },
    ],
    'mtls-strict': [
      {
        target: 'overlay/production',
        mutate: (o) => (find(o, 'PeerAuthentication', 'default').spec.mtls.mode = 'PERMISSIVE'),
        expect: { object: 'PeerAuthentication/default', field: 'spec.mtls.mode' },
      },
      {
        target: 'overlay/production',
        mutate: (o) =>
          (find(o, 'PeerAuthentication', 'default').spec.portLevelMtls = {
            9464: { mode: 'DISABLE' },
          }),
        expect: { field: 'spec.portLevelMtls.9464.mode' },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => o.splice(o.indexOf(find(o, 'PeerAuthentication', 'default')), 1),
        expect: { object: '-' },
      },
    ],
    'outlier-detection': [
      {
        target: 'component/mesh',
        mutate: (o) =>
          delete find(o, 'DestinationRule', 'federation').spec.trafficPolicy.outlierDetection,
        expect: {
          object: 'DestinationRule/federation',
          field: 'spec.trafficPolicy.outlierDetection',
        },
      },
    ],
    'routes-match-table': [
      {
        target: 'overlay/staging',
        mutate: (o) => find(o, 'VirtualService', 'fediflow').spec.http.reverse(),
        expect: { object: 'VirtualService/fediflow', field: 'spec.http[0]' },
      },
      {
        target: 'overlay/staging',
        mutate: (o) =>
          (find(o, 'VirtualService', 'fediflow').spec.http.at(-1).route[0].destination.host =
            'workers'),
        expect: { object: 'VirtualService/fediflow' },
      },
      {
        target: 'component/mesh',
        mutate: (o) => find(o, 'VirtualService', 'fediflow').spec.http.pop(),
        expect: { object: 'VirtualService/fediflow' },
      },
      // The streaming route: a mesh deadline would cut every stream, retries would replay it.
      {
        target: 'overlay/production',
        mutate: (o) => (streamingRoute(o).timeout = '30s'),
        expect: { object: 'VirtualService/fediflow', field: 'spec.http[6]' },
      },
      {
        target: 'overlay/production',
        mutate: (o) => delete streamingRoute(o).retries,
        expect: { object: 'VirtualService/fediflow', field: 'spec.http[6]' },
      },
      {
        target: 'overlay/staging',
        mutate: (o) => {
          const http = find(o, 'VirtualService', 'fediflow').spec.http;
          http.splice(http.indexOf(streamingRoute(o)), 1);
        },
        expect: { object: 'VirtualService/fediflow' },
      },
    ],
    'default-deny-network-policy': [
      {
        target: 'overlay/staging',
        mutate: (o) => (find(o, 'NetworkPolicy', 'default-deny').spec.policyTypes = ['Ingress']),
        expect: { object: '-', field: 'NetworkPolicy' },
      },
    ],
    'namespace-labels': [
      {
        target: 'overlay/production',
        mutate: (o) =>
          (find(o, 'Namespace', 'fediflow').metadata.labels!['pod-security.kubernetes.io/enforce'] =
            'baseline'),
        expect: {
          object: 'Namespace/fediflow-production',
          field: 'metadata.labels.pod-security.kubernetes.io/enforce',
        },
      },
    ],
    'config-required-env': [
      {
        target: 'overlay/staging',
        // Whatever the schema requires today: drop the first required variable that a ConfigMap provides.
        mutate: (o) => {
          const configMap = find(o, 'ConfigMap', 'fediflow-config');
          const required = describeEnvironment('api').find(
            (spec) => spec.required && spec.name in configMap.data,
          );
          delete configMap.data[required!.name];
        },
        expect: { object: 'Deployment/api', field: 'spec.template.spec.containers[app].env' },
      },
      {
        target: 'overlay/production',
        mutate: (o) =>
          (container(o, 'Deployment', 'workers').env = container(
            o,
            'Deployment',
            'workers',
          ).env.filter((v: { name: string }) => v.name !== 'REDIS_URL')),
        expect: { object: 'Deployment/workers' },
      },
    ],
    'config-known-env': [
      // A CronJob's pod template (spec.jobTemplate.spec.template) is checked like any other.
      {
        target: 'component/backup-verification',
        mutate: (o) =>
          find(
            o,
            'CronJob',
            'backup-verification',
          ).spec.jobTemplate.spec.template.spec.containers[0].env.push({
            name: 'BACKUP_VERIFY_DATABSE_URL',
            value: 'postgres://scratch/fediflow',
          }),
        expect: {
          object: 'CronJob/backup-verification',
          field:
            'spec.jobTemplate.spec.template.spec.containers[app].env[BACKUP_VERIFY_DATABSE_URL]',
        },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => (find(o, 'ConfigMap', 'workers-config').data.WORKER_CONCURENCY = '3'),
        expect: {
          object: 'Deployment/workers',
          field: 'spec.template.spec.containers[app].envFrom[1]',
        },
      },
      // WORKER_CONCURRENCY is known to workers only.
      {
        target: 'overlay/dev',
        mutate: (o) =>
          container(o).envFrom.push({
            configMapRef: { name: find(o, 'ConfigMap', 'workers-config').metadata.name },
          }),
        expect: { object: 'Deployment/api' },
      },
    ],
    'media-public-url': [
      {
        target: 'overlay/production',
        mutate: (o) => delete find(o, 'ConfigMap', 'media-config').data.MEDIA_PUBLIC_BASE_URL,
        expect: {
          object: 'Deployment/api',
          message: expect.stringContaining('MEDIA_STORAGE=s3 without MEDIA_PUBLIC_BASE_URL'),
        },
      },
      {
        target: 'overlay/staging',
        mutate: (o) =>
          (find(o, 'ConfigMap', 'media-config').data.MEDIA_PUBLIC_BASE_URL =
            'http://d111111abcdef8.cloudfront.net'),
        expect: {
          object: 'Deployment/workers',
          message: expect.stringContaining('must be a https URL'),
        },
      },
      {
        // env overrides envFrom, as the kubelet resolves it.
        target: 'overlay/production',
        mutate: (o) =>
          container(o).env.push({
            name: 'MEDIA_PUBLIC_BASE_URL',
            value: 'https://d111111abcdef8.cloudfront.net/',
          }),
        expect: {
          object: 'Deployment/api',
          field: 'spec.template.spec.containers[app].env[MEDIA_PUBLIC_BASE_URL]',
          message: expect.stringContaining('must not end with "/"'),
        },
      },
      {
        // media-config generated, the media-s3 component forgotten: media would stay on each pod.
        target: 'overlay/staging',
        mutate: (o) => {
          for (const name of ['api', 'workers'])
            container(o, 'Deployment', name).envFrom = container(
              o,
              'Deployment',
              name,
            ).envFrom.filter(
              (source: { configMapRef?: { name: string } }) =>
                !source.configMapRef?.name.startsWith('media-config'),
            );
        },
        expect: {
          object: expect.stringMatching(/^ConfigMap\/media-config-/),
          field: 'data.MEDIA_STORAGE',
        },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => container(o).env.push({ name: 'MEDIA_STORAGE', value: 's3' }),
        expect: {
          object: 'Deployment/api',
          field: 'spec.template.spec.containers[app].env[MEDIA_STORAGE]',
        },
      },
    ],
    'secrets-via-secret-key-ref': [
      {
        target: 'overlay/dev',
        mutate: (o) => (container(o).env[0] = { name: 'DATABASE_URL', value: 'postgres://x@db/x' }),
        expect: {
          object: 'Deployment/api',
          field: 'spec.template.spec.containers[app].env[DATABASE_URL]',
        },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => {
          find(o, 'ConfigMap', 'fediflow-config').data.REDIS_URL = 'redis://r';
        },
        expect: {
          object: 'Deployment/api',
          field: 'spec.template.spec.containers[app].envFrom[0]',
        },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => container(o).envFrom.push({ secretRef: { name: 'everything' } }),
        expect: {
          object: 'Deployment/api',
          field: 'spec.template.spec.containers[app].envFrom[1]',
        },
      },
      {
        target: 'overlay/dev',
        mutate: (o) => container(o).env.push({ name: 'LOG_LEVEL', value: 'trace' }),
        expect: {
          object: 'Deployment/api',
          field: 'spec.template.spec.containers[app].env[LOG_LEVEL]',
        },
      },
    ],
    'analysis-gates': [
      {
        target: 'overlay/production',
        mutate: (o) => {
          const metric = find(o, 'AnalysisTemplate', 'http-success-rate').spec.metrics[0];
          metric.provider.prometheus.query = metric.provider.prometheus.query.replaceAll(
            ',route!~"/health|/ready|/metrics"',
            '',
          );
        },
        expect: {
          object: 'AnalysisTemplate/http-success-rate',
          field: 'spec.metrics[success-rate].provider.prometheus.query',
        },
      },
      {
        target: 'overlay/production',
        mutate: (o) =>
          (find(o, 'AnalysisTemplate', 'http-success-rate').spec.metrics[0].initialDelay = '30s'),
        expect: {
          object: 'AnalysisTemplate/http-success-rate',
          field: 'spec.metrics[success-rate].initialDelay',
        },
      },
      {
        target: 'overlay/production',
        mutate: (o) =>
          delete find(o, 'AnalysisTemplate', 'http-success-rate').spec.metrics[0].failureCondition,
        expect: {
          object: 'AnalysisTemplate/http-success-rate',
          field: 'spec.metrics[success-rate]',
        },
      },
      {
        target: 'overlay/production',
        mutate: (o) =>
          (find(o, 'AnalysisTemplate', 'http-success-rate').spec.metrics[0].failureLimit = 0),
        expect: {
          object: 'AnalysisTemplate/http-success-rate',
          field: 'spec.metrics[success-rate].failureLimit',
        },
      },
      {
        target: 'overlay/production',
        mutate: (o) => {
          const blueGreen = find(o, 'Rollout', 'api').spec.strategy.blueGreen;
          blueGreen.prePromotionAnalysis = blueGreen.postPromotionAnalysis;
        },
        expect: { object: 'Rollout/api', field: 'spec.strategy.blueGreen.prePromotionAnalysis' },
      },
      {
        target: 'overlay/production',
        mutate: (o) =>
          (find(o, 'Rollout', 'federation').spec.strategy.blueGreen.scaleDownDelaySeconds = 120),
        expect: {
          object: 'Rollout/federation',
          field: 'spec.strategy.blueGreen.scaleDownDelaySeconds',
        },
      },
    ],
    'argocd-sync-policy': [
      {
        target: 'argocd/production',
        mutate: (o) =>
          (find(o, 'Application', 'fediflow').spec.syncPolicy.automated.selfHeal = false),
        expect: { object: 'Application/fediflow', field: 'spec.syncPolicy.automated' },
      },
      {
        target: 'argocd/dr',
        mutate: (o) => (find(o, 'Application', 'fluent-bit').spec.syncPolicy.retry.limit = 1),
        expect: { object: 'Application/fluent-bit', field: 'spec.syncPolicy.retry' },
      },
    ],
  };

  for (const [ruleId, ruleCases] of Object.entries(cases)) {
    ruleCases.forEach((entry, index) =>
      it(`${ruleId} rejects case ${index + 1}`, () => {
        const original = findingsOf(ruleId, target(entry.target), argocd);
        expect(original, 'the unmodified target passes this rule').toEqual([]);
        const findings = findingsOf(
          ruleId,
          mutated(entry.target, entry.mutate),
          entry.argocd ?? argocd,
        );
        expect(findings).toContainEqual(
          expect.objectContaining({ rule: ruleId, target: entry.target, ...entry.expect }),
        );
      }),
    );
  }
});

describe('validate-manifests CLI', () => {
  const cli = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
        path.join(repoRoot, 'tools/validate-manifests.ts'),
        ...args,
      ],
      { cwd: repoRoot },
    );

  it('prints help and the rule list with exit code 0', async () => {
    expect((await cli('--help')).stdout).toMatch(/Exit codes: 0 all valid, 1 findings, 2/);
    const { stdout } = await cli('--rules');
    for (const rule of RULES) expect(stdout).toContain(rule.id);
  }, 20_000);

  it('exits 2 on a usage error', async () => {
    await expect(cli('--bogus')).rejects.toMatchObject({ code: 2 });
  }, 20_000);
});
