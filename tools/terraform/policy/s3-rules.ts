import { evaluate } from '../evaluate.ts';
import type { Instance } from '../evaluate.ts';
import { firstBody } from '../model.ts';
import type { Block } from '../model.ts';
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, resourcesOf, violationAt } from './rule.ts';

const ENCRYPTIONS = new Set(['aws:kms', 'aws:kms:dsse', 'AES256']);
const PUBLIC_ACCESS_BLOCKS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
];

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** The settings resources of one bucket: those whose `bucket` refers to `aws_s3_bucket.<name>`. */
function settingsOf(instance: Instance, bucket: Block, type: string): Block[] {
  const reference = new RegExp(`aws_s3_bucket\\.${bucket.name}\\b`);
  return instance.dir.resources.filter(
    (resource) =>
      resource.kind === 'resource' &&
      resource.type === type &&
      reference.test(JSON.stringify(resource.body['bucket'] ?? '')),
  );
}

function problemsOf(instance: Instance, bucket: Block): string[] {
  const problems: string[] = [];
  const encryption = settingsOf(
    instance,
    bucket,
    'aws_s3_bucket_server_side_encryption_configuration',
  );
  const algorithms = encryption.flatMap((block) =>
    asList(block.body['rule']).map((rule) =>
      evaluate(
        firstBody(firstBody(rule)?.['apply_server_side_encryption_by_default'])?.['sse_algorithm'],
        instance,
      ),
    ),
  );
  if (!algorithms.some((algorithm) => ENCRYPTIONS.has(String(algorithm)))) {
    problems.push('no server-side encryption configuration (aws:kms or AES256)');
  }
  const blocks = settingsOf(instance, bucket, 'aws_s3_bucket_public_access_block');
  const open = PUBLIC_ACCESS_BLOCKS.filter(
    (name) => !blocks.some((block) => evaluate(block.body[name], instance) === true),
  );
  if (open.length > 0) problems.push(`public access not blocked: ${open.join(', ')} must be true`);
  const lifecycles = settingsOf(instance, bucket, 'aws_s3_bucket_lifecycle_configuration');
  const aborts = lifecycles.some((block) =>
    asList(block.body['rule']).some(
      (rule) => firstBody(rule)?.['abort_incomplete_multipart_upload'] !== undefined,
    ),
  );
  if (!aborts) problems.push('no lifecycle rule aborting incomplete multipart uploads');
  return problems;
}

export const s3PrivateRule: PolicyRule = {
  id: 'TF-S3-PRIVATE',
  description:
    'S3 buckets are encrypted (SSE-KMS or AES256), block all public access and abort incomplete multipart uploads.',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(instances, 'aws_s3_bucket')) {
      for (const problem of problemsOf(instance, resource)) {
        out.push(violationAt(this.id, resource, `${problem} (${instance.label})`));
      }
    }
    return dedupe(out);
  },
};

export const s3Rules: PolicyRule[] = [s3PrivateRule];
