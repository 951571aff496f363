import { evaluate } from '../evaluate.ts';
import type { Instance } from '../evaluate.ts';
import type { Block } from '../model.ts';
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, describe, registryCallsOf, resourcesOf, violationAt } from './rule.ts';

const RDS_MODULE = 'terraform-aws-modules/rds/aws';
const ELASTICACHE_MODULE = 'terraform-aws-modules/elasticache/aws';
export const MIN_BACKUP_RETENTION_DAYS = 7;
/** Environments holding production data: production itself and its DR standby. */
export const PRODUCTION_ENVIRONMENTS = new Set(['production', 'dr']);

interface Target {
  block: Block;
  instance: Instance;
  /** Value the attribute takes when it is not written (the provider's or the module's default). */
  defaults: Record<string, unknown>;
}

function* rdsTargets(instances: Instance[]): Generator<Target> {
  for (const { resource, instance } of resourcesOf(instances, 'aws_db_instance')) {
    yield {
      block: resource,
      instance,
      defaults: {
        storage_encrypted: false,
        multi_az: false,
        backup_retention_period: 0,
        deletion_protection: false,
      },
    };
  }
  for (const { call, instance } of registryCallsOf(instances, RDS_MODULE)) {
    yield {
      block: call,
      instance,
      defaults: {
        storage_encrypted: true,
        multi_az: false,
        backup_retention_period: undefined,
        deletion_protection: false,
      },
    };
  }
}

function attribute(target: Target, name: string): unknown {
  const raw = target.block.body[name];
  return raw === undefined ? target.defaults[name] : evaluate(raw, target.instance);
}

function requireTrue(
  rule: PolicyRule,
  attributes: string[],
  targets: Iterable<Target>,
): Violation[] {
  const out: Violation[] = [];
  for (const target of targets) {
    for (const name of attributes) {
      const value = attribute(target, name);
      if (value !== true)
        out.push(
          violationAt(
            rule.id,
            target.block,
            `${name} must be true, got ${describe(value ?? null)} (${target.instance.label})`,
          ),
        );
    }
  }
  return dedupe(out);
}

export const rdsEncryptedRule: PolicyRule = {
  id: 'TF-RDS-ENCRYPTED',
  description: 'RDS storage is encrypted with a KMS key.',
  check({ instances }) {
    const out = requireTrue(this, ['storage_encrypted'], rdsTargets(instances));
    for (const { resource, instance } of resourcesOf(instances, 'aws_db_instance')) {
      if (resource.body['kms_key_id'] === undefined)
        out.push(
          violationAt(
            this.id,
            resource,
            `kms_key_id is not set: use a customer-managed KMS key (${instance.label})`,
          ),
        );
    }
    return dedupe(out);
  },
};

export const rdsMultiAzRule: PolicyRule = {
  id: 'TF-RDS-MULTI-AZ',
  description: 'RDS instances are Multi-AZ.',
  check({ instances }) {
    return requireTrue(this, ['multi_az'], rdsTargets(instances));
  },
};

export const rdsBackupRetentionRule: PolicyRule = {
  id: 'TF-RDS-BACKUP-RETENTION',
  description: `RDS keeps automated backups (point-in-time recovery) for at least ${MIN_BACKUP_RETENTION_DAYS} days.`,
  check({ instances }) {
    const out: Violation[] = [];
    for (const target of rdsTargets(instances)) {
      const value = attribute(target, 'backup_retention_period');
      if (typeof value !== 'number' || value < MIN_BACKUP_RETENTION_DAYS) {
        out.push(
          violationAt(
            this.id,
            target.block,
            `backup_retention_period must be >= ${MIN_BACKUP_RETENTION_DAYS}, got ${describe(value ?? null)} (${target.instance.label})`,
          ),
        );
      }
    }
    return dedupe(out);
  },
};

export const rdsDeletionProtectionRule: PolicyRule = {
  id: 'TF-RDS-DELETION-PROTECTION',
  description: 'RDS instances holding production data (production, dr) have deletion protection.',
  check({ instances }) {
    const production = [...rdsTargets(instances)].filter((t) =>
      PRODUCTION_ENVIRONMENTS.has(t.instance.environment),
    );
    return requireTrue(this, ['deletion_protection'], production);
  },
};

function* cacheTargets(instances: Instance[]): Generator<Target> {
  for (const { resource, instance } of resourcesOf(
    instances,
    'aws_elasticache_replication_group',
  )) {
    yield {
      block: resource,
      instance,
      defaults: {
        at_rest_encryption_enabled: false,
        transit_encryption_enabled: false,
        automatic_failover_enabled: false,
        multi_az_enabled: false,
      },
    };
  }
  for (const { call, instance } of registryCallsOf(instances, ELASTICACHE_MODULE)) {
    yield {
      block: call,
      instance,
      defaults: {
        at_rest_encryption_enabled: true,
        transit_encryption_enabled: true,
        automatic_failover_enabled: true,
        multi_az_enabled: true,
      },
    };
  }
}

export const cacheEncryptionRule: PolicyRule = {
  id: 'TF-CACHE-ENCRYPTION',
  description: 'ElastiCache replication groups encrypt in transit and at rest.',
  check({ instances }) {
    return requireTrue(
      this,
      ['transit_encryption_enabled', 'at_rest_encryption_enabled'],
      cacheTargets(instances),
    );
  },
};

export const cacheMultiAzRule: PolicyRule = {
  id: 'TF-CACHE-MULTI-AZ',
  description: 'ElastiCache replication groups are Multi-AZ with automatic failover.',
  check({ instances }) {
    return requireTrue(
      this,
      ['automatic_failover_enabled', 'multi_az_enabled'],
      cacheTargets(instances),
    );
  },
};

export const dataRules: PolicyRule[] = [
  rdsEncryptedRule,
  rdsMultiAzRule,
  rdsBackupRetentionRule,
  rdsDeletionProtectionRule,
  cacheEncryptionRule,
  cacheMultiAzRule,
];
