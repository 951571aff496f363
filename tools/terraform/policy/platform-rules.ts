/**
 * Rules for the cluster platform: a supported EKS version with an upgrade policy, node launch
 * templates (IMDSv2, one hop, encrypted gp3), secrets kept out of the state (write-only arguments
 * and ephemeral values), and failover health checks that probe the primary, not the record.
 */
import { UNKNOWN, evaluate } from '../evaluate.ts';
import { firstBody, isBody } from '../model.ts';
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, resourcesOf, violationAt } from './rule.ts';

/**
 * End of EKS standard support per Kubernetes minor (AWS's EKS version calendar). 1.34's date is
 * the one AWS announced; later ones are 14 months after each EKS release and must be replaced by
 * AWS's dates once announced.
 */
export const EKS_STANDARD_SUPPORT_END: Record<string, string> = {
  '1.31': '2025-11-26',
  '1.32': '2026-03-23',
  '1.33': '2026-07-29',
  '1.34': '2026-12-02',
  '1.35': '2027-03-27',
  '1.36': '2027-07-28',
};

export function supported(version: string, today: Date): boolean {
  const end = EKS_STANDARD_SUPPORT_END[version];
  return end !== undefined && today.getTime() < Date.parse(`${end}T00:00:00Z`);
}

/** Versions a variable's validation admits, when it is `contains([...], var.x)`. */
export function validatedVersions(
  raw: unknown,
  variables: Map<string, { body: Record<string, unknown> }>,
): string[] | undefined {
  const name = typeof raw === 'string' ? /^\$\{var\.([\w-]+)\}$/.exec(raw)?.[1] : undefined;
  const validations = name ? variables.get(name)?.body['validation'] : undefined;
  if (!Array.isArray(validations)) return undefined;
  for (const validation of validations) {
    const condition = isBody(validation) ? String(validation['condition']) : '';
    const list = /contains\(\[([^\]]*)\],\s*var\./.exec(condition)?.[1];
    if (list) return [...list.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
  }
  return undefined;
}

export const eksVersionRule: PolicyRule = {
  id: 'TF-EKS-VERSION',
  description: 'EKS clusters run a Kubernetes version in standard support and set upgrade_policy.',
  check({ instances }) {
    const out: Violation[] = [];
    const today = new Date();
    for (const { resource, instance } of resourcesOf(instances, 'aws_eks_cluster')) {
      const raw = resource.body['version'];
      const version = evaluate(raw, instance);
      const candidates =
        typeof version === 'string'
          ? [version]
          : version === UNKNOWN || version === undefined
            ? validatedVersions(raw, instance.dir.variables)
            : undefined;
      const unsupported =
        candidates === undefined
          ? ['(unresolvable, and no validation lists the versions)']
          : candidates.filter((candidate) => !supported(candidate, today));
      if (raw === undefined)
        unsupported.splice(0, unsupported.length, '(unset: EKS picks its default)');
      if (unsupported.length)
        out.push(
          violationAt(
            this.id,
            resource,
            `version ${unsupported.join(', ')} is not in EKS standard support on ${today.toISOString().slice(0, 10)} (${instance.label})`,
          ),
        );
      const policy = firstBody(resource.body['upgrade_policy']);
      if (!policy || typeof evaluate(policy['support_type'], instance) !== 'string')
        out.push(
          violationAt(this.id, resource, `no upgrade_policy.support_type (${instance.label})`),
        );
    }
    return dedupe(out);
  },
};

export const eksLaunchTemplateRule: PolicyRule = {
  id: 'TF-EKS-LAUNCH-TEMPLATE',
  description:
    'Managed node groups use a launch template with IMDSv2 required, hop limit 1 and an encrypted gp3 root volume.',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(instances, 'aws_eks_node_group')) {
      const reference = String(firstBody(resource.body['launch_template'])?.['id'] ?? '');
      const name = /aws_launch_template\.([\w-]+)/.exec(reference)?.[1];
      const template = name
        ? instance.dir.resources.find(
            (block) =>
              block.kind === 'resource' &&
              block.type === 'aws_launch_template' &&
              block.address.endsWith(`.${name}`),
          )
        : undefined;
      if (!template) {
        out.push(
          violationAt(
            this.id,
            resource,
            `no launch_template from an aws_launch_template in this module (${instance.label})`,
          ),
        );
        continue;
      }
      const problems: string[] = [];
      const metadata = firstBody(template.body['metadata_options']) ?? {};
      if (evaluate(metadata['http_tokens'], instance) !== 'required')
        problems.push('http_tokens must be "required" (IMDSv2)');
      if (evaluate(metadata['http_put_response_hop_limit'], instance) !== 1)
        problems.push('http_put_response_hop_limit must be 1');
      const devices = template.body['block_device_mappings'];
      const ebs = Array.isArray(devices)
        ? devices.map((device) => (isBody(device) ? firstBody(device['ebs']) : undefined))
        : [];
      if (
        !ebs.length ||
        !ebs.every(
          (volume) =>
            volume &&
            evaluate(volume['encrypted'], instance) === true &&
            evaluate(volume['volume_type'], instance) === 'gp3',
        )
      )
        problems.push('the root volume must be encrypted gp3');
      if (problems.length)
        out.push(violationAt(this.id, template, `${problems.join('; ')} (${instance.label})`));
    }
    return dedupe(out);
  },
};

/** Arguments that store a secret in the state, and their write-only replacement. */
const STATEFUL_SECRETS: Record<string, Record<string, string>> = {
  aws_elasticache_replication_group: { auth_token: 'auth_token_wo' },
  aws_db_instance: { password: 'password_wo' },
  aws_rds_cluster: { master_password: 'master_password_wo' },
  aws_secretsmanager_secret_version: { secret_string: 'secret_string_wo' },
  aws_ssm_parameter: { value: 'value_wo' },
  azurerm_key_vault_secret: { value: 'value_wo' },
  azurerm_postgresql_flexible_server: { administrator_password: 'administrator_password_wo' },
  google_secret_manager_secret_version: { secret_data: 'secret_data_wo' },
  google_sql_user: { password: 'password_wo' },
};

export const secretsOutOfStateRule: PolicyRule = {
  id: 'TF-SECRETS-WRITE-ONLY',
  description:
    'Generated secrets are ephemeral and reach the cloud through write-only arguments, never the state.',
  check({ instances }) {
    const out: Violation[] = [];
    for (const instance of instances)
      for (const block of instance.dir.resources) {
        if (block.kind !== 'resource') continue;
        if (block.type === 'random_password')
          out.push(
            violationAt(
              this.id,
              block,
              `a managed random_password is stored in the state: make it ephemeral (${instance.label})`,
            ),
          );
        for (const [argument, writeOnly] of Object.entries(STATEFUL_SECRETS[block.type] ?? {}))
          if (block.body[argument] !== undefined)
            out.push(
              violationAt(
                this.id,
                block,
                `${argument} is stored in the state: use ${writeOnly} (${instance.label})`,
              ),
            );
      }
    return dedupe(out);
  },
};

export const failoverHealthCheckRule: PolicyRule = {
  id: 'TF-DNS-HEALTH-CHECK',
  description:
    'A failover record’s health check probes the primary endpoint, not the failover name itself.',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(instances, 'aws_route53_record')) {
      const check = /aws_route53_health_check\.([\w-]+)/.exec(
        String(resource.body['health_check_id'] ?? ''),
      )?.[1];
      if (!check) continue;
      const health = instance.dir.resources.find(
        (block) => block.type === 'aws_route53_health_check' && block.address.endsWith(`.${check}`),
      );
      if (
        health &&
        health.body['fqdn'] !== undefined &&
        JSON.stringify(health.body['fqdn']) === JSON.stringify(resource.body['name'])
      )
        out.push(
          violationAt(
            this.id,
            health,
            `probes ${String(health.body['fqdn'])}, the failover record's own name: after a failover it measures the secondary and flips back (${instance.label})`,
          ),
        );
    }
    return dedupe(out);
  },
};

export const platformRules: PolicyRule[] = [
  eksVersionRule,
  eksLaunchTemplateRule,
  secretsOutOfStateRule,
  failoverHealthCheckRule,
];
