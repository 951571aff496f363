/**
 * Reads what Terraform builds for each cluster from terraform/environments/<cluster> and the
 * modules it calls. Offline and static: literals, `var.*` (tfvars, then defaults), `local.*` and
 * module arguments are followed; anything else is taken as unknown.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import type { TerraformFacts } from './types.ts';

type Json = Record<string, unknown>;

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
function resolve(value: unknown, scopes: { var: Json; local: Json }): unknown {
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

export async function readTerraformFacts(
  repoRoot: string,
  cluster: string,
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
  const arg = (module: string, key: string) => resolve(call(module)[key], envScopes);

  const moduleDir = (name: string) => path.join(repoRoot, 'terraform', 'modules', name);
  const [eksMain, bootstrapMain, identityMain, identityVars] = await Promise.all([
    hcl(path.join(moduleDir('eks'), 'main.tf')),
    readFile(path.join(moduleDir('argocd-bootstrap'), 'main.tf'), 'utf8').catch(() => ''),
    hcl(path.join(moduleDir('workload-identity'), 'main.tf')),
    hcl(path.join(moduleDir('workload-identity'), 'variables.tf')),
  ]);

  const vpcCni = String(
    (locals(eksMain)['addon_configuration'] as Json | undefined)?.['vpc-cni'] ?? '',
  );
  const addonUsesConfig = JSON.stringify(eksMain['resource'] ?? {}).includes(
    'local.addon_configuration',
  );

  // Module scope of workload-identity: its defaults, overridden by the environment's arguments.
  const identityCall = call('workload_identity');
  const identityArgs: Json = {};
  for (const [key, value] of Object.entries(identityCall))
    identityArgs[key] = resolve(value, envScopes);
  const identityScopes = {
    var: { ...variableDefaults(identityVars), ...identityArgs },
    local: {} as Json,
  };
  identityScopes.local = Object.fromEntries(
    Object.entries(locals(identityMain)).map(([key, value]) => [
      key,
      resolve(value, identityScopes),
    ]),
  );
  const podIdentities = new Set<string>();
  const workloads = (locals(identityMain)['workloads'] as Record<string, Json> | undefined) ?? {};
  if (identityCall['source'])
    for (const workload of Object.values(workloads)) {
      const namespace = resolve(workload['namespace'], identityScopes);
      const account = resolve(workload['service_account'], identityScopes);
      if (typeof namespace === 'string' && typeof account === 'string')
        podIdentities.add(`${namespace}/${account}`);
    }
  const logGroups = new Set<string>();
  const groups = ((identityMain['resource'] as Json | undefined)?.['aws_cloudwatch_log_group'] ??
    {}) as Record<string, unknown>;
  for (const group of Object.values(groups)) {
    const name = resolve(first(group)['name'], identityScopes);
    if (typeof name === 'string' && identityCall['source']) logGroups.add(name);
  }

  const number = (value: unknown, fallback: number) =>
    typeof value === 'number' ? value : Number.isFinite(Number(value)) ? Number(value) : fallback;
  const environment = resolve(
    envScopes.local['workload_environment'] ?? envScopes.local['environment'],
    envScopes,
  );
  return {
    environment: typeof environment === 'string' ? environment : cluster,
    databaseIsReplica: call('database')['replicate_source_identifier'] !== undefined,
    bootstrapCluster: (arg('argocd', 'cluster') as string | undefined) ?? undefined,
    applicationHealthCheck:
      /"resource\.customizations\.health\.argoproj\.io_Application"\s*=/.test(bootstrapMain) &&
      bootstrapMain.includes('obj.status.health'),
    nodeGroup: {
      instanceTypes: (arg('eks', 'node_instance_types') as string[] | undefined) ?? ['t3.large'],
      minSize: number(arg('eks', 'node_min_size'), 1),
      desiredSize: number(arg('eks', 'node_desired_size'), 3),
      maxSize: number(arg('eks', 'node_max_size'), 10),
    },
    networkPolicyEnforced: addonUsesConfig && /enableNetworkPolicy\s*=\s*"true"/.test(vpcCni),
    podIdentities,
    logGroups,
  };
}
