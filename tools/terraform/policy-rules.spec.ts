import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyRules } from './policy/index.ts';
import type { Violation } from './types.ts';
import { validateTerraform } from './validate.ts';

const fixtures = join(import.meta.dirname, 'fixtures');

async function violationsIn(fixture: string): Promise<Violation[]> {
  return (await validateTerraform(join(fixtures, fixture), { fmt: false })).violations;
}

/** `file [block]` of every violation of one rule, sorted. */
async function flagged(fixture: string, ruleId: string): Promise<string[]> {
  return (await violationsIn(fixture))
    .filter((v) => v.ruleId === ruleId)
    .map((v) => `${v.file} [${v.block}]`)
    .sort();
}

const tested = new Set<string>();
function rule(id: string, name: string, body: () => Promise<void>): void {
  tested.add(id);
  it(`${id}: ${name}`, body);
}

describe('policy rules reject bad fixtures and accept good blocks', () => {
  rule('TF-EKS-KMS', 'clusters without a KMS key for secrets', async () => {
    expect(await flagged('eks-kms', 'TF-EKS-KMS')).toEqual([
      'main.tf [resource.aws_eks_cluster.bad]',
      'main.tf [resource.aws_eks_cluster.wrong_resources]',
    ]);
  });

  rule('TF-EKS-LOGS', 'clusters without all five control-plane log types', async () => {
    const violations = (await violationsIn('eks-logs')).filter((v) => v.ruleId === 'TF-EKS-LOGS');
    expect(violations.map((v) => v.block).sort()).toEqual([
      'resource.aws_eks_cluster.bad',
      'resource.aws_eks_cluster.unset',
    ]);
    expect(violations.find((v) => v.block.endsWith('.bad'))?.message).toContain(
      'authenticator, controllerManager, scheduler',
    );
  });

  rule(
    'TF-EKS-PUBLIC-CIDR',
    'an API endpoint open to 0.0.0.0/0, by literal, by default or by an unguarded variable',
    async () => {
      expect(await flagged('eks-public-cidr', 'TF-EKS-PUBLIC-CIDR')).toEqual([
        'main.tf [resource.aws_eks_cluster.default_open]',
        'main.tf [resource.aws_eks_cluster.empty]',
        'main.tf [resource.aws_eks_cluster.may_be_empty]',
        'main.tf [resource.aws_eks_cluster.open]',
        'main.tf [resource.aws_eks_cluster.unguarded]',
      ]);
    },
  );

  rule('TF-EKS-VERSION', 'versions past EKS standard support, and no upgrade_policy', async () => {
    expect(await flagged('eks-version', 'TF-EKS-VERSION')).toEqual([
      'main.tf [resource.aws_eks_cluster.expired]',
      'main.tf [resource.aws_eks_cluster.no_upgrade_policy]',
      'main.tf [resource.aws_eks_cluster.stale_variable]',
    ]);
  });

  rule(
    'TF-EKS-LAUNCH-TEMPLATE',
    'node groups without a launch template, and one allowing IMDSv1, two hops and unencrypted gp2',
    async () => {
      const violations = (await violationsIn('eks-launch-template')).filter(
        (v) => v.ruleId === 'TF-EKS-LAUNCH-TEMPLATE',
      );
      expect(violations.map((v) => v.block).sort()).toEqual([
        'resource.aws_eks_node_group.no_template',
        'resource.aws_launch_template.weak',
      ]);
      expect(violations.find((v) => v.block.endsWith('weak'))?.message).toContain(
        'http_tokens must be "required" (IMDSv2); http_put_response_hop_limit must be 1; the root volume must be encrypted gp3',
      );
    },
  );

  rule(
    'TF-SECRETS-WRITE-ONLY',
    'a managed random_password and secrets in state-stored arguments',
    async () => {
      expect(await flagged('secrets-write-only', 'TF-SECRETS-WRITE-ONLY')).toEqual([
        'main.tf [resource.aws_elasticache_replication_group.in_state]',
        'main.tf [resource.aws_secretsmanager_secret_version.in_state]',
        'main.tf [resource.azurerm_key_vault_secret.in_state]',
        'main.tf [resource.google_sql_user.in_state]',
        'main.tf [resource.random_password.in_state]',
      ]);
    },
  );

  rule('TF-DNS-HEALTH-CHECK', "a failover health check probing the record's own name", async () => {
    expect(await flagged('dns-health-check', 'TF-DNS-HEALTH-CHECK')).toEqual([
      'main.tf [resource.aws_route53_health_check.self]',
    ]);
  });

  it('TF-EKS-PUBLIC-CIDR: follows 0.0.0.0/0 from tfvars through a module call', async () => {
    const violations = (await violationsIn('eks-public-cidr-module')).filter(
      (v) => v.ruleId === 'TF-EKS-PUBLIC-CIDR',
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      file: 'modules/cluster/main.tf',
      block: 'resource.aws_eks_cluster.this',
      line: 11,
    });
    expect(violations[0]?.message).toContain('environments/prod → module.cluster');
  });

  rule('TF-EKS-NODEGROUP-DESIRED', 'node groups that would reset desired_size', async () => {
    expect(await flagged('eks-nodegroup', 'TF-EKS-NODEGROUP-DESIRED')).toEqual([
      'main.tf [resource.aws_eks_node_group.bad]',
    ]);
  });

  rule('TF-RDS-ENCRYPTED', 'unencrypted storage and encryption without a KMS key', async () => {
    expect(await flagged('rds-encrypted', 'TF-RDS-ENCRYPTED')).toEqual([
      'main.tf [resource.aws_db_instance.no_kms_key]',
      'main.tf [resource.aws_db_instance.unencrypted]',
    ]);
  });

  rule('TF-RDS-MULTI-AZ', 'single-AZ instances, also through a variable default', async () => {
    expect(await flagged('rds-multi-az', 'TF-RDS-MULTI-AZ')).toEqual([
      'main.tf [resource.aws_db_instance.from_variable]',
      'main.tf [resource.aws_db_instance.unset]',
    ]);
  });

  rule('TF-RDS-BACKUP-RETENTION', 'retention below 7 days or unset', async () => {
    expect(await flagged('rds-backup-retention', 'TF-RDS-BACKUP-RETENTION')).toEqual([
      'main.tf [resource.aws_db_instance.short]',
      'main.tf [resource.aws_db_instance.unset]',
    ]);
  });

  rule(
    'TF-RDS-DELETION-PROTECTION',
    'production turning deletion protection off (staging may)',
    async () => {
      const violations = (await violationsIn('rds-deletion-protection')).filter(
        (v) => v.ruleId === 'TF-RDS-DELETION-PROTECTION',
      );
      expect(violations).toHaveLength(1);
      expect(violations[0]?.block).toBe('resource.aws_db_instance.this');
      expect(violations[0]?.message).toContain('environments/production → module.db');
    },
  );

  rule(
    'TF-CACHE-ENCRYPTION',
    'replication groups without transit or at-rest encryption',
    async () => {
      const violations = (await violationsIn('cache-encryption')).filter(
        (v) => v.ruleId === 'TF-CACHE-ENCRYPTION',
      );
      expect(violations.map((v) => `${v.block}: ${v.message.split(' ')[0]}`).sort()).toEqual([
        'resource.aws_elasticache_replication_group.no_at_rest: at_rest_encryption_enabled',
        'resource.aws_elasticache_replication_group.no_transit: transit_encryption_enabled',
      ]);
    },
  );

  rule(
    'TF-S3-PRIVATE',
    'buckets without encryption, with a public-access block left open, without aborting uploads',
    async () => {
      const violations = (await violationsIn('s3-private')).filter(
        (v) => v.ruleId === 'TF-S3-PRIVATE',
      );
      expect(
        violations.map((v) => `${v.block}: ${v.message.replace(/ \([^()]*\)$/, '')}`).sort(),
      ).toEqual([
        'resource.aws_s3_bucket.bare: no lifecycle rule aborting incomplete multipart uploads',
        'resource.aws_s3_bucket.bare: no server-side encryption configuration (aws:kms or AES256)',
        'resource.aws_s3_bucket.bare: public access not blocked: block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets must be true',
        'resource.aws_s3_bucket.half_open: no lifecycle rule aborting incomplete multipart uploads',
        'resource.aws_s3_bucket.half_open: public access not blocked: block_public_policy must be true',
      ]);
    },
  );

  rule('TF-CACHE-MULTI-AZ', 'replication groups without Multi-AZ', async () => {
    expect(await flagged('cache-multi-az', 'TF-CACHE-MULTI-AZ')).toEqual([
      'main.tf [resource.aws_elasticache_replication_group.single_az]',
    ]);
  });

  rule(
    'TF-NO-SECRETS',
    'literal passwords, tokens, secret defaults and URL credentials',
    async () => {
      expect(await flagged('no-secrets', 'TF-NO-SECRETS')).toEqual([
        'main.tf [locals]',
        'main.tf [resource.aws_db_instance.literal]',
        'main.tf [resource.aws_elasticache_replication_group.literal]',
        'main.tf [variable.db_password]',
        'terraform.tfvars [tfvars.api_token]',
      ]);
    },
  );

  rule('TF-NO-ACCOUNT-ID', '12-digit account ids in .tf and .tfvars', async () => {
    const violations = (await violationsIn('no-account-id')).filter(
      (v) => v.ruleId === 'TF-NO-ACCOUNT-ID',
    );
    expect(violations.map((v) => `${v.file}:${v.line} [${v.block}]`).sort()).toEqual([
      'main.tf:2 [resource.aws_eks_access_entry.admin]',
      'terraform.tfvars:1 [tfvars.account]',
    ]);
  });

  rule(
    'TF-VERSIONS-PINNED',
    'open version ranges, missing required_version, missing versions.tf',
    async () => {
      const messages = (await violationsIn('versions-pinned'))
        .filter((v) => v.ruleId === 'TF-VERSIONS-PINNED')
        .map((v) => `${v.file}: ${v.message}`)
        .sort();
      expect(messages).toEqual([
        'no-versions/versions.tf: versions.tf is missing',
        'pinned-badly/versions.tf: provider "aws" version ">= 5.0" is not pinned (use x.y.z or ~> x.y.z)',
        'pinned-badly/versions.tf: provider "helm" is used but not in required_providers',
        'pinned-badly/versions.tf: provider "random" has no version constraint',
        'pinned-badly/versions.tf: required_version is not set',
      ]);
    },
  );

  rule(
    'TF-MODULE-PINNED',
    'registry modules without an exact version, git sources without a ref',
    async () => {
      expect(await flagged('module-pinned', 'TF-MODULE-PINNED')).toEqual([
        'main.tf [module.git_without_ref]',
        'main.tf [module.range]',
        'main.tf [module.unpinned]',
      ]);
    },
  );

  rule('TF-STATE-LOCKING', 'an S3 backend without locking, a local backend', async () => {
    const violations = (await violationsIn('state-locking')).filter(
      (v) => v.ruleId === 'TF-STATE-LOCKING',
    );
    // azurerm and gcs lock on every run: accepted.
    expect(violations).toEqual([
      expect.objectContaining({
        file: 'environments/local/versions.tf',
        block: 'terraform.backend',
        message: expect.stringContaining('is not s3, azurerm or gcs'),
      }),
      expect.objectContaining({
        file: 'environments/prod/versions.tf',
        block: 'terraform.backend',
        line: 4,
      }),
    ]);
  });

  rule('TF-VARIABLE-DOCS', 'variables without description or type', async () => {
    expect(await flagged('variable-docs', 'TF-VARIABLE-DOCS')).toEqual([
      'main.tf [variable.undocumented]',
      'main.tf [variable.untyped]',
    ]);
  });

  rule('TF-MODULE-LAYOUT', 'modules missing their standard files and README', async () => {
    const messages = (await violationsIn('module-layout'))
      .filter((v) => v.ruleId === 'TF-MODULE-LAYOUT')
      .map((v) => v.message)
      .sort();
    expect(messages).toEqual([
      'README.md is missing',
      'outputs.tf is missing',
      'variables.tf is missing',
      'versions.tf is missing',
    ]);
  });

  rule('TF-LAMBDA-RUNTIME', 'Node.js functions on a runtime other than nodejs24.x', async () => {
    expect(await flagged('lambda', 'TF-LAMBDA-RUNTIME')).toEqual([
      'main.tf [resource.aws_lambda_function.old_runtime]',
    ]);
  });

  rule(
    'TF-LAMBDA-SQS-PARTIAL-BATCH',
    'SQS event sources without ReportBatchItemFailures or with batches over 10',
    async () => {
      const violations = (await violationsIn('lambda')).filter(
        (v) => v.ruleId === 'TF-LAMBDA-SQS-PARTIAL-BATCH',
      );
      expect(violations.map((v) => v.block)).toEqual([
        'resource.aws_lambda_event_source_mapping.whole_batch_retried',
        'resource.aws_lambda_event_source_mapping.whole_batch_retried',
      ]);
      expect(violations.map((v) => v.message).join('\n')).toMatch(
        /ReportBatchItemFailures[\s\S]*batch_size/,
      );
    },
  );

  rule(
    'TF-LAMBDA-NO-SECRET-ENV',
    'a secret variable as a value in a function environment',
    async () => {
      const violations = (await violationsIn('lambda')).filter(
        (v) => v.ruleId === 'TF-LAMBDA-NO-SECRET-ENV',
      );
      expect(violations.map((v) => v.message)).toEqual([
        "DATABASE_URL is set in a function's environment: pass DATABASE_URL_SSM_PARAMETER instead",
      ]);
      // A function made by a local module gets its environment from the call (or the caller's locals).
      const throughModules = (await violationsIn('lambda-module')).filter(
        (v) => v.ruleId === 'TF-LAMBDA-NO-SECRET-ENV',
      );
      expect(throughModules.map((v) => v.message).sort()).toEqual([
        "DATABASE_URL is set in a function's environment: pass DATABASE_URL_SSM_PARAMETER instead",
        "REDIS_URL is set in a function's environment: pass REDIS_URL_SSM_PARAMETER instead",
      ]);
    },
  );

  rule('TF-LAMBDA-VPC', 'functions outside the VPC', async () => {
    expect(await flagged('lambda', 'TF-LAMBDA-VPC')).toEqual([
      'main.tf [resource.aws_lambda_function.no_vpc]',
    ]);
  });

  rule('TF-LAMBDA-ALARMS', 'functions without throttle and dead-letter-queue alarms', async () => {
    const violations = (await violationsIn('lambda')).filter(
      (v) => v.ruleId === 'TF-LAMBDA-ALARMS',
    );
    expect(violations.map((v) => v.message)).toEqual([
      'no CloudWatch alarm on Throttles',
      'no CloudWatch alarm on ApproximateNumberOfMessagesVisible',
    ]);
    // The module that owns an SQS event source alarms on its dead-letter queue, even when the
    // function (and its Errors and Throttles alarms) come from a local module.
    expect(await flagged('lambda-module', 'TF-LAMBDA-ALARMS')).toEqual([
      'main.tf [resource.aws_lambda_event_source_mapping.unwatched]',
    ]);
  });

  rule(
    'TF-SQS-REDRIVE',
    'queues without a dead-letter queue (a dead-letter queue itself is fine)',
    async () => {
      expect(await flagged('lambda', 'TF-SQS-REDRIVE')).toEqual([
        'main.tf [resource.aws_sqs_queue.no_dlq]',
      ]);
    },
  );

  rule(
    'TF-BACKUP-RESTORE-VALIDATED',
    'restore-testing plans without a targeted rule on their completed restore jobs',
    async () => {
      expect(await flagged('backup-restore-validation', 'TF-BACKUP-RESTORE-VALIDATED')).toEqual([
        'main.tf [resource.aws_backup_restore_testing_plan.unchecked]',
        'main.tf [resource.aws_backup_restore_testing_plan.untargeted]',
      ]);
    },
  );

  rule(
    'TF-S3-REPLICATION',
    'V1 rules, undecided delete markers, SSE-KMS objects skipped or without a replica key, RTC without metrics',
    async () => {
      const violations = (await violationsIn('s3-replication')).filter(
        (v) => v.ruleId === 'TF-S3-REPLICATION',
      );
      expect(
        violations.map((v) => `${v.block}: ${v.message.replace(/ \([^()]*\)$/, '')}`).sort(),
      ).toEqual([
        'resource.aws_s3_bucket_replication_configuration.no_key: rule "no-key": SSE-KMS objects selected without encryption_configuration.replica_kms_key_id',
        'resource.aws_s3_bucket_replication_configuration.no_key: rule "no-key": delete_marker_replication is not decided (Enabled or Disabled)',
        'resource.aws_s3_bucket_replication_configuration.rtc_without_metrics: rule "rtc": Replication Time Control without replication metrics (metrics.status)',
        'resource.aws_s3_bucket_replication_configuration.v1: rule "v1": no filter (V1 configuration), so delete markers cannot be decided',
        'resource.aws_s3_bucket_replication_configuration.v1: rule "v1": source_selection_criteria.sse_kms_encrypted_objects is not Enabled, so S3 skips every SSE-KMS object',
      ]);
    },
  );

  rule(
    'TF-S3-DR-REPLICA',
    'a media bucket of an environment with a DR region that nothing replicates',
    async () => {
      const violations = (await violationsIn('s3-replication')).filter(
        (v) => v.ruleId === 'TF-S3-DR-REPLICA',
      );
      // production is replicated by dr (source_name through a local); edge has no DR region;
      // old_media is not created; dr's replication of staging is switched off.
      expect(violations.map((v) => `${v.file} [${v.block}]`)).toEqual([
        'environments/staging/main.tf [module.media_storage]',
      ]);
      expect(violations[0]?.message).toContain('source_name = "fediflow-staging"');
    },
  );

  it('production media is replicated by the dr root with every replication rule met', async () => {
    const violations = (
      await validateTerraform(join(import.meta.dirname, '../../terraform'), { fmt: false })
    ).violations;
    expect(violations.filter((v) => /^TF-S3-/.test(v.ruleId))).toEqual([]);
  });

  it('the serverless-workers module and its environments pass every Lambda rule', async () => {
    const violations = (
      await validateTerraform(join(import.meta.dirname, '../../terraform'), { fmt: false })
    ).violations;
    expect(violations.filter((v) => /^TF-(LAMBDA|SQS)-/.test(v.ruleId))).toEqual([]);
  });

  it('community modules are judged by their defaults', async () => {
    const violations = await violationsIn('community-modules');
    const byRule = (id: string) =>
      violations
        .filter((v) => v.ruleId === id)
        .map((v) => v.block)
        .sort();
    expect(byRule('TF-EKS-LOGS')).toEqual(['module.eks_defaults']);
    expect(byRule('TF-EKS-PUBLIC-CIDR')).toEqual(['module.eks_defaults']);
    expect(byRule('TF-RDS-MULTI-AZ')).toEqual(['module.rds_defaults']);
    expect(byRule('TF-RDS-BACKUP-RETENTION')).toEqual(['module.rds_defaults']);
    expect(byRule('TF-RDS-ENCRYPTED')).toEqual([]);
  });

  rule(
    'TF-AKS-KMS',
    'clusters without a Key Vault key for etcd, or reaching it publicly',
    async () => {
      expect(await flagged('aks-kms', 'TF-AKS-KMS')).toEqual([
        'main.tf [resource.azurerm_kubernetes_cluster.no_kms]',
        'main.tf [resource.azurerm_kubernetes_cluster.public_vault]',
      ]);
    },
  );

  rule(
    'TF-AKS-API-ACCESS',
    'a public API server without authorised ranges, or open to 0.0.0.0/0',
    async () => {
      expect(await flagged('aks-api-access', 'TF-AKS-API-ACCESS')).toEqual([
        'main.tf [resource.azurerm_kubernetes_cluster.from_variable]',
        'main.tf [resource.azurerm_kubernetes_cluster.open_ranges]',
        'main.tf [resource.azurerm_kubernetes_cluster.unset]',
      ]);
    },
  );

  rule('TF-AKS-WORKLOAD-IDENTITY', 'no OIDC issuer, a local admin account', async () => {
    expect(await flagged('aks-workload-identity', 'TF-AKS-WORKLOAD-IDENTITY')).toEqual([
      'main.tf [resource.azurerm_kubernetes_cluster.local_admin]',
      'main.tf [resource.azurerm_kubernetes_cluster.no_oidc]',
    ]);
  });

  rule('TF-AKS-AUTOSCALING', 'fixed-size default and extra node pools', async () => {
    expect(await flagged('aks-autoscaling', 'TF-AKS-AUTOSCALING')).toEqual([
      'main.tf [resource.azurerm_kubernetes_cluster.fixed]',
      'main.tf [resource.azurerm_kubernetes_cluster_node_pool.fixed]',
    ]);
  });

  rule('TF-AKS-VERSION', 'unset, expired and stale validated versions', async () => {
    expect(await flagged('aks-version', 'TF-AKS-VERSION')).toEqual([
      'main.tf [resource.azurerm_kubernetes_cluster.expired]',
      'main.tf [resource.azurerm_kubernetes_cluster.stale_variable]',
      'main.tf [resource.azurerm_kubernetes_cluster.unset]',
    ]);
  });

  rule('TF-AZURE-PG-PRIVATE', 'a public server, one outside the VNet', async () => {
    expect(await flagged('azure-pg-private', 'TF-AZURE-PG-PRIVATE')).toEqual([
      'main.tf [resource.azurerm_postgresql_flexible_server.no_vnet]',
      'main.tf [resource.azurerm_postgresql_flexible_server.public]',
    ]);
  });

  rule('TF-AZURE-PG-BACKUP', 'no HA, same-zone HA, short local-only backups', async () => {
    expect(await flagged('azure-pg-backup', 'TF-AZURE-PG-BACKUP')).toEqual([
      'main.tf [resource.azurerm_postgresql_flexible_server.local_backups]',
      'main.tf [resource.azurerm_postgresql_flexible_server.no_ha]',
      'main.tf [resource.azurerm_postgresql_flexible_server.same_zone]',
    ]);
  });

  rule('TF-AZURE-REDIS-TLS', 'the plaintext port, TLS 1.0, public access', async () => {
    expect(await flagged('azure-redis-tls', 'TF-AZURE-REDIS-TLS')).toEqual([
      'main.tf [resource.azurerm_redis_cache.old_tls]',
      'main.tf [resource.azurerm_redis_cache.plaintext_port]',
      'main.tf [resource.azurerm_redis_cache.public]',
    ]);
  });

  rule(
    'TF-GKE-SECRETS-ENCRYPTION',
    'no or disabled application-layer secrets encryption',
    async () => {
      expect(await flagged('gke-secrets-encryption', 'TF-GKE-SECRETS-ENCRYPTION')).toEqual([
        'main.tf [resource.google_container_cluster.decrypted]',
        'main.tf [resource.google_container_cluster.unset]',
      ]);
    },
  );

  rule('TF-GKE-PRIVATE', 'public nodes, a control plane without authorised networks', async () => {
    expect(await flagged('gke-private', 'TF-GKE-PRIVATE')).toEqual([
      'main.tf [resource.google_container_cluster.open_control_plane]',
      'main.tf [resource.google_container_cluster.public_nodes]',
    ]);
  });

  rule('TF-GKE-WORKLOAD-IDENTITY', 'no workload pool', async () => {
    expect(await flagged('gke-workload-identity', 'TF-GKE-WORKLOAD-IDENTITY')).toEqual([
      'main.tf [resource.google_container_cluster.no_pool]',
    ]);
  });

  rule('TF-GKE-VERSION', 'unset and expired versions', async () => {
    expect(await flagged('gke-version', 'TF-GKE-VERSION')).toEqual([
      'main.tf [resource.google_container_cluster.expired]',
      'main.tf [resource.google_container_cluster.unset]',
    ]);
  });

  rule('TF-CLOUDSQL-PRIVATE', 'a public IP, unencrypted connections', async () => {
    expect(await flagged('cloudsql-private', 'TF-CLOUDSQL-PRIVATE')).toEqual([
      'main.tf [resource.google_sql_database_instance.plaintext]',
      'main.tf [resource.google_sql_database_instance.public_ip]',
    ]);
  });

  rule('TF-CLOUDSQL-BACKUP', 'zonal, no point-in-time recovery, three backups', async () => {
    expect(await flagged('cloudsql-backup', 'TF-CLOUDSQL-BACKUP')).toEqual([
      'main.tf [resource.google_sql_database_instance.few_backups]',
      'main.tf [resource.google_sql_database_instance.no_pitr]',
      'main.tf [resource.google_sql_database_instance.zonal]',
    ]);
  });

  rule('TF-MEMORYSTORE-TLS', 'plaintext transit, the BASIC tier', async () => {
    expect(await flagged('memorystore-tls', 'TF-MEMORYSTORE-TLS')).toEqual([
      'main.tf [resource.google_redis_instance.basic]',
      'main.tf [resource.google_redis_instance.plaintext]',
    ]);
  });

  rule(
    'TF-DATA-RESIDENCY',
    'resources outside the declared regions, also through a module, or unresolvable',
    async () => {
      expect(await flagged('data-residency', 'TF-DATA-RESIDENCY')).toEqual([
        'environments/eu/main.tf [resource.azurerm_resource_group.outside]',
        'environments/eu/main.tf [resource.azurerm_resource_group.unknown]',
        'modules/vault/main.tf [resource.azurerm_key_vault.this]',
      ]);
    },
  );

  rule('TF-TRAFFIC-MANAGER-READY', 'TCP probes, another path, a long TTL', async () => {
    expect(await flagged('traffic-manager-ready', 'TF-TRAFFIC-MANAGER-READY')).toEqual([
      'main.tf [resource.azurerm_traffic_manager_profile.health_path]',
      'main.tf [resource.azurerm_traffic_manager_profile.long_ttl]',
      'main.tf [resource.azurerm_traffic_manager_profile.tcp]',
    ]);
  });

  rule('TF-VPN-IKEV2', "IKEv1, AES-128, the providers' default proposals", async () => {
    expect(await flagged('vpn-ike', 'TF-VPN-IKEV2')).toEqual([
      'main.tf [resource.aws_vpn_connection.aes128]',
      'main.tf [resource.aws_vpn_connection.defaults]',
      'main.tf [resource.aws_vpn_connection.ikev1]',
      'main.tf [resource.azurerm_virtual_network_gateway_connection.default_policy]',
      'main.tf [resource.azurerm_virtual_network_gateway_connection.ikev1]',
      'main.tf [resource.google_compute_vpn_tunnel.ikev1]',
    ]);
  });

  rule(
    'TF-VPN-ROUTES',
    'default traffic selectors and 0.0.0.0/0 routes through a VPN',
    async () => {
      expect(await flagged('vpn-routes', 'TF-VPN-ROUTES')).toEqual([
        'main.tf [resource.aws_vpn_connection.default_selectors]',
        'main.tf [resource.aws_vpn_connection.open_remote]',
        'main.tf [resource.aws_vpn_connection_route.default]',
        'main.tf [resource.azurerm_local_network_gateway.default]',
        'main.tf [resource.google_compute_route.default]',
      ]);
    },
  );

  it('every policy rule has a rejecting test above', () => {
    expect([...tested].sort()).toEqual(policyRules.map((r) => r.id).sort());
  });
});
