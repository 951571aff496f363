import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { kustomize } from '../manifests/render.ts';
import type { K8sObject } from '../manifests/types.ts';
import { podOwners, type Container } from '../manifests/workloads.ts';
import { buildInstances } from '../terraform/evaluate.ts';
import { loadHclTree } from '../terraform/hcl-loader.ts';
import { buildTree } from '../terraform/model.ts';

/** `workers_runtime` of a Terraform environment (terraform/environments/<env>). */
export type WorkersRuntime = 'kubernetes' | 'lambda';

/** The deployments whose INBOUND_QUEUE must agree: the producer and the in-cluster consumer. */
const INBOUND_SERVICES = ['federation', 'workers'];

/** The value `name` has in the container: an `env` literal, else the last envFrom ConfigMap with it. */
function valueIn(
  container: Container,
  objects: readonly K8sObject[],
  name: string,
): string | undefined {
  const literal = container.env?.find((variable) => variable.name === name)?.value;
  if (literal !== undefined) return literal;
  let value: string | undefined;
  for (const source of container.envFrom ?? []) {
    const configMap = objects.find(
      (object) => object.kind === 'ConfigMap' && object.metadata.name === source.configMapRef?.name,
    ) as (K8sObject & { data?: Record<string, string> }) | undefined;
    value = configMap?.data?.[name] ?? value;
  }
  return value;
}

/**
 * What is wrong with rendered manifests for an environment whose Terraform runs the workers on
 * `runtime`: with Lambda, federation and workers must queue inbound activities on SQS (and know the
 * queue's URL), or activities keep going to Redis and the Lambda idles; with Kubernetes neither may,
 * or the activities pile up in SQS with no consumer.
 */
export function workersRuntimeProblems(
  runtime: WorkersRuntime,
  objects: readonly K8sObject[],
): string[] {
  const problems: string[] = [];
  for (const service of INBOUND_SERVICES) {
    const owner = podOwners(objects).find(
      (candidate) =>
        candidate.object.kind === 'Deployment' && candidate.object.metadata.name === service,
    );
    const container = owner?.spec.containers[0];
    if (!container) {
      problems.push(`no ${service} Deployment`);
      continue;
    }
    const queue = valueIn(container, objects, 'INBOUND_QUEUE') ?? 'redis';
    const url = valueIn(container, objects, 'INBOUND_QUEUE_URL');
    if (runtime === 'lambda' && queue !== 'sqs')
      problems.push(
        `${service}: INBOUND_QUEUE is ${queue}, but Terraform runs the activityProcessor Lambda (include components/serverless-workers)`,
      );
    if (runtime === 'lambda' && queue === 'sqs' && !url)
      problems.push(
        `${service}: INBOUND_QUEUE_URL is not set (merge it into inbound-queue-config)`,
      );
    if (runtime === 'kubernetes' && queue === 'sqs')
      problems.push(
        `${service}: INBOUND_QUEUE=sqs, but Terraform creates no activityProcessor Lambda to consume it`,
      );
  }
  return problems;
}

/** The environment's `workers_runtime` (tfvars, else the variable's default); undefined if it has none. */
export async function workersRuntimeOf(
  environmentDir: string,
): Promise<WorkersRuntime | undefined> {
  const tree = buildTree(await loadHclTree(environmentDir));
  const root = buildInstances(tree).find((instance) => instance.call === undefined);
  const value = root?.vars.get('workers_runtime');
  return value === 'lambda' || value === 'kubernetes' ? value : undefined;
}

export interface EnvironmentCheck {
  environment: string;
  runtime: WorkersRuntime;
  problems: string[];
}

/** Every Terraform environment with a `workers_runtime` against its Kustomize overlay. */
export async function checkWorkersRuntimes(repoRoot: string): Promise<EnvironmentCheck[]> {
  const environments = path.join(repoRoot, 'terraform', 'environments');
  const checks: EnvironmentCheck[] = [];
  for (const environment of (await readdir(environments)).sort()) {
    const runtime = await workersRuntimeOf(path.join(environments, environment));
    if (!runtime) continue;
    const overlay = path.join(repoRoot, 'deploy', 'overlays', environment);
    checks.push({
      environment,
      runtime,
      problems: existsSync(overlay)
        ? workersRuntimeProblems(runtime, await kustomize(overlay))
        : [`no overlay deploy/overlays/${environment}`],
    });
  }
  return checks;
}
