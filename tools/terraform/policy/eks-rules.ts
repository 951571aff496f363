import { UNKNOWN, containsUnknown, evaluate } from '../evaluate.ts';
import { firstBody, isBody } from '../model.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, describe, registryCallsOf, resourcesOf, violationAt } from './rule.ts';
import type { Violation } from '../types.ts';

const EKS_MODULE = 'terraform-aws-modules/eks/aws';
export const CONTROL_PLANE_LOG_TYPES = [
  'api',
  'audit',
  'authenticator',
  'controllerManager',
  'scheduler',
];
const OPEN_CIDRS = ['0.0.0.0/0', '::/0'];

export const eksKmsRule: PolicyRule = {
  id: 'TF-EKS-KMS',
  description: 'EKS clusters encrypt Kubernetes secrets with a KMS key (envelope encryption).',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(instances, 'aws_eks_cluster')) {
      const configs = resource.body['encryption_config'];
      const ok =
        Array.isArray(configs) &&
        configs.some((config) => {
          if (!isBody(config)) return false;
          const resources = evaluate(config['resources'], instance);
          const keyArn = firstBody(config['provider'])?.['key_arn'];
          return (
            Array.isArray(resources) &&
            resources.includes('secrets') &&
            typeof keyArn === 'string' &&
            keyArn !== ''
          );
        });
      if (!ok)
        out.push(
          violationAt(
            this.id,
            resource,
            `no encryption_config with a KMS key_arn for "secrets" (${instance.label})`,
          ),
        );
    }
    for (const { call, instance } of registryCallsOf(instances, EKS_MODULE)) {
      const config = evaluate(
        call.body['encryption_config'] ?? call.body['cluster_encryption_config'],
        instance,
      );
      const createKey = evaluate(call.body['create_kms_key'], instance);
      const disabled = config === null || (isBody(config) && Object.keys(config).length === 0);
      const noKey =
        createKey === false && !(isBody(config) && typeof config['provider_key_arn'] === 'string');
      if (disabled || noKey)
        out.push(
          violationAt(
            this.id,
            call,
            `secrets encryption is disabled on the EKS module (${instance.label})`,
          ),
        );
    }
    return dedupe(out);
  },
};

function missingLogTypes(value: unknown): string[] {
  if (!Array.isArray(value)) return CONTROL_PLANE_LOG_TYPES;
  return CONTROL_PLANE_LOG_TYPES.filter((type) => !value.includes(type));
}

export const eksLogsRule: PolicyRule = {
  id: 'TF-EKS-LOGS',
  description:
    'EKS control-plane logging enables api, audit, authenticator, controllerManager and scheduler.',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(instances, 'aws_eks_cluster')) {
      const value = evaluate(resource.body['enabled_cluster_log_types'], instance);
      const missing = missingLogTypes(value);
      if (missing.length > 0) {
        out.push(
          violationAt(
            this.id,
            resource,
            `enabled_cluster_log_types lacks ${missing.join(', ')} (got ${describe(value)}; ${instance.label})`,
          ),
        );
      }
    }
    for (const { call, instance } of registryCallsOf(instances, EKS_MODULE)) {
      const raw = call.body['enabled_log_types'] ?? call.body['cluster_enabled_log_types'];
      // The module's default is api, audit, authenticator only.
      const missing = missingLogTypes(
        raw === undefined ? ['api', 'audit', 'authenticator'] : evaluate(raw, instance),
      );
      if (missing.length > 0)
        out.push(
          violationAt(
            this.id,
            call,
            `control-plane logs lack ${missing.join(', ')} (${instance.label})`,
          ),
        );
    }
    return dedupe(out);
  },
};

/**
 * True when `raw` is `var.X` and X's validations reject 0.0.0.0/0 and an empty list (which EKS
 * also opens to 0.0.0.0/0).
 */
function guardedByValidation(
  raw: unknown,
  variables: Map<string, { body: Record<string, unknown> }>,
): boolean {
  const name = typeof raw === 'string' ? /^\$\{var\.([\w-]+)\}$/.exec(raw)?.[1] : undefined;
  const validations = name ? variables.get(name)?.body['validation'] : undefined;
  const conditions = Array.isArray(validations)
    ? validations.filter(isBody).map((v) => String(v['condition']))
    : [];
  return (
    conditions.some((condition) => condition.includes('0.0.0.0/0')) &&
    conditions.some((condition) => /length\(var\.[\w-]+\)\s*>\s*0/.test(condition))
  );
}

function checkCidrs(value: unknown, raw: unknown, guard: boolean): string | undefined {
  if (raw === undefined) return 'is not set (AWS then allows 0.0.0.0/0)';
  if (Array.isArray(value) && value.length === 0) return 'is empty (AWS then allows 0.0.0.0/0)';
  if (Array.isArray(value)) {
    const open = value.filter((cidr) => typeof cidr === 'string' && OPEN_CIDRS.includes(cidr));
    if (open.length > 0) return `allows ${open.join(', ')}`;
  }
  if ((value === UNKNOWN || containsUnknown(value)) && !guard) {
    return 'cannot be resolved offline and is not a variable whose validations reject 0.0.0.0/0 and an empty list';
  }
  return undefined;
}

export const eksPublicCidrRule: PolicyRule = {
  id: 'TF-EKS-PUBLIC-CIDR',
  description:
    'The public EKS API endpoint is never open to 0.0.0.0/0 (nor to an empty list, which means the same).',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(instances, 'aws_eks_cluster')) {
      const vpc = firstBody(resource.body['vpc_config']) ?? {};
      // EKS enables the public endpoint unless told otherwise.
      const isPublic = evaluate(vpc['endpoint_public_access'] ?? true, instance);
      if (isPublic === false) continue;
      const raw = vpc['public_access_cidrs'];
      const problem = checkCidrs(
        evaluate(raw, instance),
        raw,
        guardedByValidation(raw, instance.dir.variables),
      );
      if (problem)
        out.push(
          violationAt(this.id, resource, `public_access_cidrs ${problem} (${instance.label})`),
        );
    }
    for (const { call, instance } of registryCallsOf(instances, EKS_MODULE)) {
      const isPublic = evaluate(
        call.body['endpoint_public_access'] ?? call.body['cluster_endpoint_public_access'] ?? false,
        instance,
      );
      if (isPublic === false) continue;
      const raw =
        call.body['endpoint_public_access_cidrs'] ??
        call.body['cluster_endpoint_public_access_cidrs'];
      const problem = checkCidrs(evaluate(raw, instance), raw, false);
      if (problem)
        out.push(
          violationAt(this.id, call, `endpoint_public_access_cidrs ${problem} (${instance.label})`),
        );
    }
    return dedupe(out);
  },
};

export const eksNodeGroupDesiredRule: PolicyRule = {
  id: 'TF-EKS-NODEGROUP-DESIRED',
  description: 'Managed node groups ignore later changes to desired_size (the autoscaler owns it).',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(instances, 'aws_eks_node_group')) {
      const ignored = firstBody(resource.body['lifecycle'])?.['ignore_changes'];
      const ok =
        Array.isArray(ignored) &&
        ignored.some(
          (entry) => String(entry).replace(/[${}\s]/g, '') === 'scaling_config[0].desired_size',
        );
      if (!ok)
        out.push(
          violationAt(
            this.id,
            resource,
            `lifecycle.ignore_changes must include scaling_config[0].desired_size (${instance.label})`,
          ),
        );
    }
    return dedupe(out);
  },
};

export const eksRules: PolicyRule[] = [
  eksKmsRule,
  eksLogsRule,
  eksPublicCidrRule,
  eksNodeGroupDesiredRule,
];
