import { evaluate, UNKNOWN } from '../evaluate.ts';
import type { Instance } from '../evaluate.ts';
import { firstBody, isBody } from '../model.ts';
import type { Block } from '../model.ts';
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, resourcesOf, violationAt } from './rule.ts';

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** A nested block, written directly or as `dynamic "<name>" { content { … } }`. */
function nested(body: Record<string, unknown> | undefined, name: string): unknown {
  if (!body) return undefined;
  if (body[name] !== undefined) return body[name];
  const dynamic = firstBody(body['dynamic']);
  const content = firstBody(dynamic?.[name])?.['content'];
  return content;
}

/** The encryption algorithm of a bucket of the same module the configuration names, if any. */
function sourceAlgorithm(instance: Instance, configuration: Block): unknown {
  const bucket = /aws_s3_bucket\.(\w+)/.exec(JSON.stringify(configuration.body['bucket'] ?? ''));
  if (!bucket) return undefined;
  const reference = new RegExp(`aws_s3_bucket\\.${bucket[1]}\\b`);
  const encryption = instance.dir.resources.find(
    (resource) =>
      resource.type === 'aws_s3_bucket_server_side_encryption_configuration' &&
      reference.test(JSON.stringify(resource.body['bucket'] ?? '')),
  );
  const rule = firstBody(encryption?.body['rule']);
  return evaluate(
    firstBody(rule?.['apply_server_side_encryption_by_default'])?.['sse_algorithm'],
    instance,
  );
}

function ruleProblems(instance: Instance, configuration: Block): string[] {
  const problems: string[] = [];
  const algorithm = sourceAlgorithm(instance, configuration);
  asList(configuration.body['rule']).forEach((entry, index) => {
    const rule = firstBody(entry);
    if (!rule || evaluate(rule['status'], instance) !== 'Enabled') return;
    const id = `rule ${JSON.stringify(evaluate(rule['id'], instance) ?? index)}`.replace(
      /"?\[object Object\]"?|Symbol\(unknown\)/,
      String(index),
    );
    if (rule['filter'] === undefined)
      problems.push(`${id}: no filter (V1 configuration), so delete markers cannot be decided`);
    else if (rule['delete_marker_replication'] === undefined)
      problems.push(`${id}: delete_marker_replication is not decided (Enabled or Disabled)`);
    const selected =
      evaluate(
        firstBody(firstBody(rule['source_selection_criteria'])?.['sse_kms_encrypted_objects'])?.[
          'status'
        ],
        instance,
      ) === 'Enabled';
    const destination = firstBody(rule['destination']);
    const replicaKey = firstBody(destination?.['encryption_configuration'])?.['replica_kms_key_id'];
    if (selected && replicaKey === undefined)
      problems.push(
        `${id}: SSE-KMS objects selected without encryption_configuration.replica_kms_key_id`,
      );
    if (!selected && (replicaKey !== undefined || String(algorithm).startsWith('aws:kms')))
      problems.push(
        `${id}: source_selection_criteria.sse_kms_encrypted_objects is not Enabled, so S3 skips every SSE-KMS object`,
      );
    const rtc = nested(destination, 'replication_time');
    const metrics = firstBody(destination?.['metrics']);
    if (rtc !== undefined && evaluate(metrics?.['status'], instance) !== 'Enabled')
      problems.push(`${id}: Replication Time Control without replication metrics (metrics.status)`);
  });
  return problems;
}

export const s3ReplicationRule: PolicyRule = {
  id: 'TF-S3-REPLICATION',
  description:
    'S3 replication rules are V2 with an explicit delete-marker decision, replicate SSE-KMS objects into a replica key, and pair Replication Time Control with metrics.',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(
      instances,
      'aws_s3_bucket_replication_configuration',
    )) {
      for (const problem of ruleProblems(instance, resource))
        out.push(violationAt(this.id, resource, `${problem} (${instance.label})`));
    }
    return dedupe(out);
  },
};

/** `"fediflow-${local.environment}"` and the like, with the instance's variables and locals. */
function resolveTemplate(expr: unknown, instance: Instance, depth = 0): unknown {
  if (typeof expr !== 'string' || depth > 5) return evaluate(expr, instance);
  if (!expr.includes('${')) return expr;
  let unknown = false;
  const text = expr.replace(/\$\{(var|local)\.([\w-]+)\}/g, (_, scope: string, name: string) => {
    const value =
      scope === 'local'
        ? resolveTemplate(instance.dir.locals.get(name), instance, depth + 1)
        : instance.vars.get(name);
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    unknown = true;
    return '';
  });
  return unknown || text.includes('${') ? UNKNOWN : text;
}

const MEDIA_STORAGE = /(^|\/)modules\/media-storage$/;
const MEDIA_REPLICATION = /(^|\/)modules\/media-replication$/;

/** The instance that called `instance`, and the value it passed for `argument`. */
function argumentOf(instances: Instance[], instance: Instance, argument: string): unknown {
  const parentLabel = instance.label.replace(/ → module\.[^→]+$/, '');
  const parent = instances.find((candidate) => candidate.label === parentLabel);
  const raw = instance.call?.body[argument];
  if (!parent || raw === undefined) return instance.vars.get(argument);
  return resolveTemplate(raw, parent);
}

const created = (instances: Instance[], instance: Instance) => {
  const create = argumentOf(instances, instance, 'create');
  return create !== false && !(isBody(create) && Object.keys(create).length === 0);
};

export const mediaReplicatedRule: PolicyRule = {
  id: 'TF-S3-DR-REPLICA',
  description:
    'Every environment with a DR region has its media bucket (member data) replicated into that region: some root calls media-replication with its name as source_name.',
  check({ instances }) {
    const replicated = new Set(
      instances
        .filter((instance) => MEDIA_REPLICATION.test(instance.dir.relDir) && instance.call)
        .filter((instance) => created(instances, instance))
        .map((instance) => argumentOf(instances, instance, 'source_name'))
        .filter((name): name is string => typeof name === 'string'),
    );
    const out: Violation[] = [];
    for (const instance of instances) {
      if (!MEDIA_STORAGE.test(instance.dir.relDir) || !instance.call) continue;
      const root = instances.find(
        (candidate) => candidate.label === instance.label.split(' → ')[0],
      );
      if (!root?.dir.variables.has('dr_region') || !created(instances, instance)) continue;
      const name = argumentOf(instances, instance, 'name');
      if (typeof name !== 'string')
        out.push(
          violationAt(
            this.id,
            instance.call,
            `cannot tell which media bucket this is (${instance.label})`,
          ),
        );
      else if (!replicated.has(name))
        out.push(
          violationAt(
            this.id,
            instance.call,
            `media bucket of ${name} is not replicated into the DR region: call modules/media-replication with source_name = "${name}" from the DR root (${instance.label})`,
          ),
        );
    }
    return dedupe(out);
  },
};

export const replicationRules: PolicyRule[] = [s3ReplicationRule, mediaReplicatedRule];
