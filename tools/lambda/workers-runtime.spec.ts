import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kustomize, listTargets, renderTarget } from '../manifests/render.ts';
import type { K8sObject } from '../manifests/types.ts';
import { checkWorkersRuntimes, workersRuntimeProblems } from './workers-runtime.ts';

const root = path.join(import.meta.dirname, '../..');
const URL =
  'https://sqs.eu-central-1.amazonaws.com/000000000000/fediflow-staging-activity-processor';

/** The objects with INBOUND_QUEUE_URL merged into inbound-queue-config, as an overlay would. */
function withQueueUrl(objects: K8sObject[]): K8sObject[] {
  return objects.map((object) =>
    object.kind === 'ConfigMap' && object.metadata.name.startsWith('inbound-queue-config')
      ? { ...object, data: { ...(object as { data?: object }).data, INBOUND_QUEUE_URL: URL } }
      : object,
  );
}

describe('workers_runtime (Terraform) and the overlays (Kustomize) agree', () => {
  let staging: K8sObject[];
  let withComponent: K8sObject[];

  beforeAll(async () => {
    staging = await kustomize(path.join(root, 'deploy/overlays/staging'));
    const spec = (await listTargets(root)).find(
      (target) => target.name === 'component/serverless-workers',
    );
    if (!spec) throw new Error('components/serverless-workers is not a render target');
    withComponent = (await renderTarget(root, spec)).objects;
  });

  it('holds for every environment of the repository', async () => {
    const checks = await checkWorkersRuntimes(root);
    expect(checks.map((check) => check.environment)).toContain('staging');
    expect(checks.filter((check) => check.problems.length > 0)).toEqual([]);
  });

  it('rejects Lambda with overlays that still queue inbound activities on Redis', () => {
    expect(workersRuntimeProblems('lambda', staging)).toEqual([
      'federation: INBOUND_QUEUE is redis, but Terraform runs the activityProcessor Lambda (include components/serverless-workers)',
      'workers: INBOUND_QUEUE is redis, but Terraform runs the activityProcessor Lambda (include components/serverless-workers)',
    ]);
  });

  it('rejects the component without the queue URL, and accepts it with one', () => {
    expect(workersRuntimeProblems('lambda', withComponent)).toEqual([
      'federation: INBOUND_QUEUE_URL is not set (merge it into inbound-queue-config)',
      'workers: INBOUND_QUEUE_URL is not set (merge it into inbound-queue-config)',
    ]);
    expect(workersRuntimeProblems('lambda', withQueueUrl(withComponent))).toEqual([]);
  });

  it('rejects SQS in the cluster when Terraform creates no Lambda to consume it', () => {
    expect(workersRuntimeProblems('kubernetes', withQueueUrl(withComponent))).toEqual([
      'federation: INBOUND_QUEUE=sqs, but Terraform creates no activityProcessor Lambda to consume it',
      'workers: INBOUND_QUEUE=sqs, but Terraform creates no activityProcessor Lambda to consume it',
    ]);
    expect(workersRuntimeProblems('kubernetes', staging)).toEqual([]);
  });
});
