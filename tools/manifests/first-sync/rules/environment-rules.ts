/**
 * One cluster, one environment, as Terraform builds them: each cluster's Argo CD deploys exactly
 * the environment its Terraform root was built for, onto itself; a cluster whose database is a
 * read replica runs no migration; services store media in the bucket Terraform builds in their
 * region; and services that call the internet may egress to 443.
 */
import { appSpec } from '../load.ts';
import {
  allContainers,
  placeAll,
  placedRef,
  podTemplates,
  selects,
  type LabelSelector,
} from '../inventory.ts';
import type { SyncRule } from '../types.ts';

const IN_CLUSTER = 'https://kubernetes.default.svc';

export const clusterEnvironmentRule: SyncRule = {
  id: 'one-environment-per-cluster',
  description:
    'each cluster deploys exactly the environment Terraform built it for, onto itself, from its own entry point',
  check(cluster) {
    const problems = [];
    const { terraform } = cluster;
    if (terraform.bootstrapCluster !== cluster.name)
      problems.push({
        object: '-',
        message: `terraform/environments/${cluster.name} bootstraps argocd/clusters/${terraform.bootstrapCluster ?? '(none)'}, not argocd/clusters/${cluster.name}`,
      });
    const expected = `fediflow-${terraform.environment}`;
    const envApps = cluster.apps.filter((app) => appSpec(app.app).project === 'fediflow');
    if (envApps.length === 0)
      problems.push({ object: '-', message: `nothing deploys ${expected}` });
    for (const app of envApps) {
      const destination = appSpec(app.app).destination ?? {};
      if (destination.namespace !== expected)
        problems.push({
          object: `Application/${app.app.metadata.name}`,
          message: `deploys ${destination.namespace} into a cluster Terraform built for ${expected}`,
        });
      if (destination.server !== IN_CLUSTER)
        problems.push({
          object: `Application/${app.app.metadata.name}`,
          message: `targets ${destination.server}; each cluster's Argo CD deploys only onto its own cluster (${IN_CLUSTER})`,
        });
    }
    return problems;
  },
};

export const noMigrationOnReplicaRule: SyncRule = {
  id: 'no-migration-on-replica',
  description:
    'a cluster whose database is a read replica (DR before promotion) runs no migration Job',
  check(cluster) {
    if (!cluster.terraform.databaseIsReplica) return [];
    return podTemplates(placeAll(cluster))
      .filter((template) => template.owner.object.kind === 'Job' && template.owner.app)
      .filter((template) =>
        allContainers(template.spec).some((container) =>
          JSON.stringify([
            (container as { command?: string[] }).command,
            (container as { args?: string[] }).args,
          ]).includes('migrate'),
        ),
      )
      .map((template) => ({
        object: placedRef(template.owner),
        message:
          'runs migrations against a read replica (the DR database until failover promotes it)',
      }));
  },
};

/**
 * Services that call the internet: api resolves remote accounts (WebFinger, actor documents),
 * federation fetches actors and keys to verify signatures, workers deliver activities.
 */
export const OUTBOUND_HTTPS_SERVICES = ['api', 'federation', 'workers'];

interface PolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  egress?: Array<{
    to?: Array<{ ipBlock?: { cidr: string } }>;
    ports?: Array<{ port?: number | string; protocol?: string }>;
  }>;
}

export const outboundHttpsRule: SyncRule = {
  id: 'outbound-https-allowed',
  description:
    'api, federation and workers, whose egress NetworkPolicies restrict, may reach 0.0.0.0/0 on TCP 443',
  check(cluster) {
    const placed = placeAll(cluster);
    const policies = placed.filter((entry) => entry.object.kind === 'NetworkPolicy');
    const problems = [];
    for (const template of podTemplates(placed)) {
      const name = template.labels['app.kubernetes.io/name'] ?? '';
      if (!OUTBOUND_HTTPS_SERVICES.includes(name) || template.owner.object.kind === 'Job') continue;
      const applying = policies
        .filter((policy) => policy.namespace === template.owner.namespace)
        .map((policy) => (policy.object['spec'] ?? {}) as PolicySpec)
        .filter(
          (spec) =>
            (spec.policyTypes ?? []).includes('Egress') &&
            selects(spec.podSelector, template.labels),
        );
      if (!applying.length) continue;
      const allowed = applying.some((spec) =>
        (spec.egress ?? []).some(
          (rule) =>
            (rule.to ?? []).some((peer) => peer.ipBlock?.cidr === '0.0.0.0/0') &&
            (!rule.ports ||
              rule.ports.some(
                (port) => Number(port.port) === 443 && (port.protocol ?? 'TCP') === 'TCP',
              )),
        ),
      );
      if (!allowed)
        problems.push({
          object: placedRef(template.owner),
          message: `${name} calls remote servers over HTTPS, but its egress NetworkPolicies allow no 0.0.0.0/0:443`,
        });
    }
    return problems;
  },
};

type EnvContainer = {
  name?: string;
  envFrom?: Array<{ configMapRef?: { name: string }; prefix?: string }>;
  env?: Array<{ name: string; value?: string }>;
};

/** The variables a container gets from ConfigMaps of its namespace and literals, as the kubelet resolves them. */
function environmentOf(
  container: EnvContainer,
  namespace: string | undefined,
  configMaps: ReadonlyMap<string, Record<string, string>>,
): Map<string, string> {
  const values = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const data = source.configMapRef && configMaps.get(`${namespace}/${source.configMapRef.name}`);
    for (const [key, value] of Object.entries(data ?? {}))
      values.set(`${source.prefix ?? ''}${key}`, value);
  }
  for (const variable of container.env ?? [])
    if (variable.value !== undefined) values.set(variable.name, variable.value);
  return values;
}

function configMapsOf(placed: ReturnType<typeof placeAll>): Map<string, Record<string, string>> {
  return new Map(
    placed
      .filter((entry) => entry.object.kind === 'ConfigMap')
      .map((entry) => [
        `${entry.namespace}/${entry.object.metadata.name}`,
        (entry.object['data'] ?? {}) as Record<string, string>,
      ]),
  );
}

export const mediaStorageInRegionRule: SyncRule = {
  id: 'media-storage-in-region',
  description:
    'services storing media on S3 use the bucket Terraform builds in the cluster’s region (the one its Pod Identity roles may use; in DR, the replica of production’s)',
  check(cluster) {
    // Only AWS builds media storage; clusters elsewhere use the DR region's (the rule below).
    if (cluster.terraform.cloud !== 'aws') return [];
    const placed = placeAll(cluster);
    const configMaps = configMapsOf(placed);
    const media = cluster.terraform.media;
    const problems = [];
    for (const template of podTemplates(placed)) {
      if (!OUTBOUND_HTTPS_SERVICES.includes(template.labels['app.kubernetes.io/name'] ?? ''))
        continue;
      for (const container of allContainers(template.spec) as EnvContainer[]) {
        const values = environmentOf(container, template.owner.namespace, configMaps);
        if (values.get('MEDIA_STORAGE') !== 's3') continue;
        const bucket = values.get('MEDIA_S3_BUCKET');
        const region = values.get('MEDIA_S3_REGION');
        const object = placedRef(template.owner);
        if (!media)
          problems.push({
            object,
            message: `stores media on S3 (${bucket ?? 'no bucket'}), but terraform/environments/${cluster.name} builds no media bucket for this cluster`,
          });
        else if (bucket !== media.bucket || region !== media.region)
          problems.push({
            object,
            message: `stores media in ${bucket ?? '(none)'} (${region ?? 'no region'}), not in ${media.bucket} (${media.region}), the bucket Terraform builds for ${cluster.name} and lets its roles use${media.replicatedFrom ? ` (the replica of ${media.replicatedFrom})` : ''}`,
          });
      }
    }
    return problems;
  },
};

/** The audience IAM's OIDC providers for the clusters accept (terraform/modules/external-media-access). */
const STS_AUDIENCE = 'sts.amazonaws.com';

interface TokenPod {
  volumes?: Array<{
    name: string;
    projected?: {
      sources?: Array<{ serviceAccountToken?: { audience?: string; path: string } }>;
    };
  }>;
}

/** Paths at which `container` sees a service account token projected for STS. */
function stsTokenFiles(pod: TokenPod, container: unknown): string[] {
  const mounts = (container as { volumeMounts?: Array<{ name: string; mountPath: string }> })
    .volumeMounts;
  return (pod.volumes ?? []).flatMap((volume) =>
    (volume.projected?.sources ?? [])
      .map((source) => source.serviceAccountToken)
      .filter((token) => token?.audience === STS_AUDIENCE)
      .flatMap((token) =>
        (mounts ?? [])
          .filter((mount) => mount.name === volume.name)
          .map((mount) => `${mount.mountPath.replace(/\/$/, '')}/${token!.path}`),
      ),
  );
}

export const mediaIdentityOutsideAwsRule: SyncRule = {
  id: 'media-identity-outside-aws',
  description:
    'on a cluster outside AWS, services storing media on S3 assume a role with their own service account token (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE naming a token projected for sts.amazonaws.com)',
  check(cluster) {
    if (cluster.terraform.cloud === 'aws') return [];
    const placed = placeAll(cluster);
    const configMaps = configMapsOf(placed);
    const problems = [];
    for (const template of podTemplates(placed)) {
      if (!OUTBOUND_HTTPS_SERVICES.includes(template.labels['app.kubernetes.io/name'] ?? ''))
        continue;
      for (const container of allContainers(template.spec) as EnvContainer[]) {
        const values = environmentOf(container, template.owner.namespace, configMaps);
        if (values.get('MEDIA_STORAGE') !== 's3') continue;
        const object = placedRef(template.owner);
        const tokenFile = values.get('AWS_WEB_IDENTITY_TOKEN_FILE');
        if (!values.get('AWS_ROLE_ARN') || !tokenFile) {
          problems.push({
            object,
            message: `stores media on S3 from ${cluster.terraform.cloud} without AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE: it has no AWS credentials (include components/aws-web-identity)`,
          });
          continue;
        }
        if (!stsTokenFiles(template.spec as TokenPod, container).includes(tokenFile))
          problems.push({
            object,
            message: `AWS_WEB_IDENTITY_TOKEN_FILE is ${tokenFile}, but no service account token projected for ${STS_AUDIENCE} is mounted there`,
          });
      }
    }
    return problems;
  },
};
