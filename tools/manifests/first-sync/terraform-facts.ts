/**
 * Reads what Terraform builds for each cluster from terraform/environments/<cluster> and the
 * modules it calls: EKS (terraform/modules/eks, workload-identity), AKS (azure-aks), GKE
 * (gcp-gke), or, for an on-premises cluster whose machines Terraform does not build, only the
 * Argo CD bootstrap, with the machines described by its cluster.yaml. Offline and static:
 * literals, `var.*` (tfvars, then defaults), `local.*` and module arguments are followed;
 * anything else is taken as unknown.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import type { Cloud, PlatformCapability, TerraformFacts } from './types.ts';

type Json = Record<string, unknown>;
type Scopes = { var: Json; local: Json };

async function hcl(file: string): Promise<Json> {
  try {
    return (await parse(path.basename(file), await readFile(file, 'utf8'))) as Json;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

const first = (value: unknown): Json =>
  (Array.isArray(value) ? (value[0] as Json) : (value as Json)) ?? {};

function locals(json: Json): Json {
  return Object.assign({}, ...((json['locals'] as Json[] | undefined) ?? []));
}

function variableDefaults(json: Json): Json {
  const out: Json = {};
  for (const [name, blocks] of Object.entries((json['variable'] as Json) ?? {}))
    if ('default' in first(blocks)) out[name] = first(blocks)['default'];
  return out;
}

/** Substitutes `${var.x}` / `${local.x}` until nothing changes; a lone reference keeps its type. */
function resolve(value: unknown, scopes: Scopes): unknown {
  for (let round = 0; round < 5 && typeof value === 'string'; round++) {
    const lone = /^\$\{(var|local)\.([\w-]+)\}$/.exec(value);
    if (lone) {
      const found = scopes[lone[1] as 'var' | 'local'][lone[2]!];
      if (found === undefined) return undefined;
      value = found;
      continue;
    }
    const next = value.replace(
      /\$\{(var|local)\.([\w-]+)\}/g,
      (whole, scope: string, name: string) => {
        const found = scopes[scope as 'var' | 'local'][name];
        return typeof found === 'string' || typeof found === 'number' ? String(found) : whole;
      },
    );
    if (next === value) break;
    value = next;
  }
  return value;
}

/** A module call's `main.tf` with the scope its arguments give it (defaults, then arguments). */
interface ModuleInstance {
  readonly called: boolean;
  readonly main: Json;
  readonly scopes: Scopes;
  /**
   * `resource.<type>` blocks of the module's main.tf, by name; a block with `for_each` over a
   * local map once per key (`name[key]`, with `each.key` / `each.value.*` filled in).
   */
  resources(type: string): Record<string, Json>;
  value(value: unknown): unknown;
}

/** A resource block's instances: itself, or one per key of the local map its `for_each` names. */
function eachInstance(name: string, block: Json, moduleLocals: Json): Array<[string, Json]> {
  const over = /local\.(\w+)/.exec(String(block['for_each'] ?? ''))?.[1];
  const map = over ? moduleLocals[over] : undefined;
  if (!map || typeof map !== 'object') return [[name, block]];
  return Object.entries(map as Record<string, Json>).map(([key, value]) => {
    const filled = JSON.stringify(block)
      .replace(/\$\{each\.key\}/g, key)
      .replace(/\$\{each\.value\.(\w+)\}/g, (whole, field: string) =>
        typeof value[field] === 'string' ? (value[field] as string) : whole,
      )
      .replace(/\beach\.key\b/g, key);
    return [`${name}[${key}]`, JSON.parse(filled) as Json];
  });
}

async function instance(envDir: string, call: Json, envScopes: Scopes): Promise<ModuleInstance> {
  const source = typeof call['source'] === 'string' ? call['source'] : undefined;
  const dir = source ? path.resolve(envDir, source) : undefined;
  const [main, vars] = dir
    ? await Promise.all([hcl(path.join(dir, 'main.tf')), hcl(path.join(dir, 'variables.tf'))])
    : [{}, {}];
  const args: Json = {};
  for (const [key, value] of Object.entries(call)) args[key] = resolve(value, envScopes);
  const scopes: Scopes = { var: { ...variableDefaults(vars), ...args }, local: {} };
  scopes.local = Object.fromEntries(
    Object.entries(locals(main)).map(([key, value]) => [key, resolve(value, scopes)]),
  );
  return {
    called: source !== undefined,
    main,
    scopes,
    resources: (type) =>
      Object.fromEntries(
        Object.entries(((main['resource'] as Json | undefined)?.[type] ?? {}) as Json).flatMap(
          ([name, blocks]) => eachInstance(name, first(blocks), scopes.local),
        ),
      ),
    value: (value) => resolve(value, scopes),
  };
}

const number = (value: unknown, fallback: number) =>
  typeof value === 'number' ? value : Number.isFinite(Number(value)) ? Number(value) : fallback;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && !value.includes('${') ? value : undefined;

type CloudFacts = Pick<
  TerraformFacts,
  'nodeGroup' | 'networkPolicyEnforced' | 'workloadIdentities' | 'logGroups' | 'platform'
>;

/** EKS: one managed node group, vpc-cni, Pod Identity associations and their log groups. */
async function awsFacts(
  envDir: string,
  call: (name: string) => Json,
  envScopes: Scopes,
): Promise<CloudFacts> {
  const eks = await instance(envDir, call('eks'), envScopes);
  const identity = await instance(envDir, call('workload_identity'), envScopes);
  const arg = (key: string) => resolve(call('eks')[key], envScopes);
  const vpcCni = String(
    (locals(eks.main)['addon_configuration'] as Json | undefined)?.['vpc-cni'] ?? '',
  );
  const addonUsesConfig = JSON.stringify(eks.main['resource'] ?? {}).includes(
    'local.addon_configuration',
  );
  const workloadIdentities = new Map<string, string>();
  const logGroups = new Set<string>();
  if (identity.called) {
    const workloads =
      (locals(identity.main)['workloads'] as Record<string, Json> | undefined) ?? {};
    for (const workload of Object.values(workloads)) {
      const namespace = identity.value(workload['namespace']);
      const account = identity.value(workload['service_account']);
      if (typeof namespace === 'string' && typeof account === 'string')
        workloadIdentities.set(`${namespace}/${account}`, '');
    }
    for (const group of Object.values(identity.resources('aws_cloudwatch_log_group'))) {
      const name = identity.value(group['name']);
      if (typeof name === 'string') logGroups.add(name);
    }
  }
  return {
    nodeGroup: {
      instanceTypes: (arg('node_instance_types') as string[] | undefined) ?? ['t3.large'],
      minSize: number(arg('node_min_size'), 1),
      desiredSize: number(arg('node_desired_size'), 3),
      maxSize: number(arg('node_max_size'), 10),
    },
    networkPolicyEnforced: addonUsesConfig && /enableNetworkPolicy\s*=\s*"true"/.test(vpcCni),
    workloadIdentities,
    logGroups,
    platform: new Set<PlatformCapability>(['load-balancer']),
  };
}

/** AKS: the workload node pool, the network policy engine, federated credentials, Container Insights. */
async function azureFacts(
  envDir: string,
  call: (name: string) => Json,
  envScopes: Scopes,
): Promise<CloudFacts> {
  const aks = await instance(envDir, call('aks'), envScopes);
  const cluster = aks.resources('azurerm_kubernetes_cluster')['this'] ?? {};
  const pool = aks.resources('azurerm_kubernetes_cluster_node_pool')['workloads'] ?? {};
  const network = first(cluster['network_profile']);
  const workloadIdentities = new Map<string, string>();
  for (const credential of Object.values(aks.resources('azurerm_federated_identity_credential'))) {
    const subject = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(
      String(aks.value(credential['subject']) ?? ''),
    );
    if (subject) workloadIdentities.set(`${subject[1]}/${subject[2]}`, '');
  }
  const platform = new Set<PlatformCapability>(['metrics-api', 'load-balancer']);
  if (aks.value(pool['auto_scaling_enabled']) === true) platform.add('node-autoscaler');
  if (cluster['oms_agent'] !== undefined) platform.add('log-shipping');
  const size = number(aks.value(pool['min_count']), 1);
  return {
    nodeGroup: {
      instanceTypes: [String(aks.value(pool['vm_size']) ?? '')],
      minSize: size,
      desiredSize: size,
      maxSize: number(aks.value(pool['max_count']), size),
    },
    networkPolicyEnforced: ['cilium', 'azure', 'calico'].includes(
      String(aks.value(network['network_policy']) ?? ''),
    ),
    workloadIdentities,
    logGroups: new Set(),
    platform,
  };
}

/** GKE: the regional node pool, Dataplane V2, workloadIdentityUser bindings, Cloud Logging. */
async function gcpFacts(
  envDir: string,
  call: (name: string) => Json,
  envScopes: Scopes,
): Promise<CloudFacts> {
  const gke = await instance(envDir, call('gke'), envScopes);
  const cluster = gke.resources('google_container_cluster')['this'] ?? {};
  const pool = gke.resources('google_container_node_pool')['workloads'] ?? {};
  const autoscaling = first(pool['autoscaling']);
  const accounts = gke.resources('google_service_account');
  const project = text(gke.value('${var.project_id}'));
  const workloadIdentities = new Map<string, string>();
  for (const binding of Object.values(gke.resources('google_service_account_iam_member'))) {
    if (binding['role'] !== 'roles/iam.workloadIdentityUser') continue;
    const member = /\.svc\.id\.goog\[([^/\]]+)\/([^\]]+)\]$/.exec(String(binding['member'] ?? ''));
    const account = /google_service_account\.(\w+(?:\[[\w-]+\])?)/.exec(
      String(binding['service_account_id']),
    );
    const accountId = text(gke.value(accounts[account?.[1] ?? '']?.['account_id']));
    if (member)
      workloadIdentities.set(
        `${member[1]}/${member[2]}`,
        accountId && project ? `${accountId}@${project}.iam.gserviceaccount.com` : '',
      );
  }
  const logging = first(cluster['logging_config'])['enable_components'];
  const platform = new Set<PlatformCapability>(['metrics-api', 'load-balancer']);
  if (pool['autoscaling'] !== undefined) platform.add('node-autoscaler');
  if (Array.isArray(logging) && logging.includes('WORKLOADS')) platform.add('log-shipping');
  const size = number(gke.value(autoscaling['total_min_node_count']), 1);
  return {
    nodeGroup: {
      instanceTypes: [String(gke.value(first(pool['node_config'])['machine_type']) ?? '')],
      minSize: size,
      desiredSize: size,
      maxSize: number(gke.value(autoscaling['total_max_node_count']), size),
    },
    networkPolicyEnforced: gke.value(cluster['datapath_provider']) === 'ADVANCED_DATAPATH',
    workloadIdentities,
    logGroups: new Set(),
    platform,
  };
}

/**
 * What k3s runs itself: metrics-server, ServiceLB and a NetworkPolicy controller (kube-router).
 * The machines are the cluster.yaml's: `nodes` of `onprem-<cpu>x<MiB>-<maxPods>`.
 */
export const ONPREM_DISTRIBUTIONS: Record<string, readonly PlatformCapability[]> = {
  k3s: ['metrics-api', 'load-balancer'],
};

function onpremFacts(declared: Readonly<Record<string, string>>): CloudFacts {
  const nodes = number(declared['nodes'], 1);
  return {
    nodeGroup: {
      instanceTypes: [
        `onprem-${declared['nodeCpu'] ?? '?'}x${declared['nodeMemoryMiB'] ?? '?'}-${declared['maxPods'] ?? '110'}`,
      ],
      minSize: nodes,
      desiredSize: nodes,
      maxSize: nodes,
    },
    networkPolicyEnforced: declared['distribution'] === 'k3s',
    workloadIdentities: new Map(),
    logGroups: new Set(),
    platform: new Set(ONPREM_DISTRIBUTIONS[declared['distribution'] ?? ''] ?? []),
  };
}

/** Which cloud an environment root builds a cluster on, by the cluster module it calls. */
function cloudOf(modules: Json): Cloud {
  const sources = Object.values(modules).map((call) => String(first(call)['source'] ?? ''));
  if (sources.some((source) => source.endsWith('/modules/eks'))) return 'aws';
  if (sources.some((source) => source.endsWith('/modules/azure-aks'))) return 'azure';
  if (sources.some((source) => source.endsWith('/modules/gcp-gke'))) return 'gcp';
  return 'onprem';
}

/**
 * The media bucket of an AWS root: media-storage's `bucket_name` local with the root's name and
 * region, and the bucket media-replication copies into it (same naming, the source region).
 */
async function mediaFacts(
  envDir: string,
  call: (name: string) => Json,
  envScopes: Scopes,
): Promise<TerraformFacts['media']> {
  const region = text(resolve('${var.region}', envScopes));
  const storage = await instance(envDir, call('media_storage'), envScopes);
  if (!storage.called || !region || storage.scopes.var['create'] === false) return undefined;
  const bucketIn = (module: ModuleInstance, atRegion: string) =>
    text(
      String(module.value(locals(storage.main)['bucket_name']) ?? '').replace(
        '${data.aws_region.current.region}',
        atRegion,
      ),
    );
  const bucket = bucketIn(storage, region);
  if (!bucket) return undefined;
  const replication = await instance(envDir, call('media_replication'), envScopes);
  const sourceName = text(replication.scopes.var['source_name']);
  const sourceRegion = text(resolve('${var.primary_region}', envScopes));
  if (
    !replication.called ||
    !sourceName ||
    !sourceRegion ||
    replication.scopes.var['create'] === false
  )
    return { bucket, region };
  const source = await instance(envDir, { ...call('media_storage'), name: sourceName }, envScopes);
  const replicatedFrom = bucketIn(source, sourceRegion);
  return replicatedFrom ? { bucket, region, replicatedFrom } : { bucket, region };
}

export async function readTerraformFacts(
  repoRoot: string,
  cluster: string,
  declared: Readonly<Record<string, string>>,
): Promise<TerraformFacts | undefined> {
  const envDir = path.join(repoRoot, 'terraform', 'environments', cluster);
  const [main, vars, tfvars] = await Promise.all([
    hcl(path.join(envDir, 'main.tf')),
    hcl(path.join(envDir, 'variables.tf')),
    hcl(path.join(envDir, 'terraform.tfvars')),
  ]);
  if (!main['module']) return undefined;
  const envScopes = { var: { ...variableDefaults(vars), ...tfvars }, local: locals(main) };
  const modules = (main['module'] as Json) ?? {};
  const call = (name: string): Json => first(modules[name]);
  const cloud = cloudOf(modules);
  const facts =
    cloud === 'aws'
      ? await awsFacts(envDir, call, envScopes)
      : cloud === 'azure'
        ? await azureFacts(envDir, call, envScopes)
        : cloud === 'gcp'
          ? await gcpFacts(envDir, call, envScopes)
          : onpremFacts(declared);
  const bootstrapMain = await readFile(
    path.join(repoRoot, 'terraform', 'modules', 'argocd-bootstrap', 'main.tf'),
    'utf8',
  ).catch(() => '');
  const environment = resolve(
    envScopes.local['workload_environment'] ?? envScopes.local['environment'],
    envScopes,
  );
  const bootstrap = resolve(call('argocd')['cluster'], envScopes);
  return {
    cloud,
    environment: typeof environment === 'string' ? environment : cluster,
    databaseIsReplica: call('database')['replicate_source_identifier'] !== undefined,
    media: cloud === 'aws' ? await mediaFacts(envDir, call, envScopes) : undefined,
    bootstrapCluster: typeof bootstrap === 'string' ? bootstrap : undefined,
    applicationHealthCheck:
      call('argocd')['source'] !== undefined &&
      /"resource\.customizations\.health\.argoproj\.io_Application"\s*=/.test(bootstrapMain) &&
      bootstrapMain.includes('obj.status.health'),
    ...facts,
  };
}
