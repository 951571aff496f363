/**
 * Google Cloud equivalents of the AWS rules: GKE application-layer secrets encryption, private
 * nodes behind authorised networks, Workload Identity, a supported version; Cloud SQL private,
 * regional (HA) with point-in-time recovery; Memorystore TLS with AUTH. (Cloud SQL and Memorystore
 * always encrypt at rest: nothing to check.)
 */
import { UNKNOWN } from '../evaluate.ts';
import {
  MISSING,
  attributeAt,
  attributeRule,
  atLeast,
  equals,
  nonEmptyString,
} from './attribute-checks.ts';
import { MIN_BACKUP_RETENTION_DAYS } from './data-rules.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, resourcesOf, violationAt } from './rule.ts';
import { kubernetesVersionRule } from './version-rule.ts';

/**
 * End of GKE standard support per minor (GKE release schedule, cloud.google.com/kubernetes-engine/
 * docs/release-schedule): 14 months after GA. Dates after 1.34 are estimates to be replaced by
 * Google's once published.
 */
export const GKE_STANDARD_SUPPORT_END: Record<string, string> = {
  '1.32': '2026-04-30',
  '1.33': '2026-08-31',
  '1.34': '2026-11-30',
  '1.35': '2027-03-31',
  '1.36': '2027-07-31',
};

const keyName = (v: unknown) => nonEmptyString(v) || v === UNKNOWN;

export const gkeSecretsEncryptionRule = attributeRule(
  'TF-GKE-SECRETS-ENCRYPTION',
  'GKE encrypts Kubernetes secrets at the application layer with a Cloud KMS key.',
  'google_container_cluster',
  [
    {
      path: 'database_encryption.state',
      expect: '"ENCRYPTED"',
      ok: equals('ENCRYPTED'),
      default: 'DECRYPTED',
    },
    { path: 'database_encryption.key_name', expect: 'a Cloud KMS key', ok: keyName },
  ],
);

export const gkePrivateRule: PolicyRule = (() => {
  const nodes = attributeRule(
    'TF-GKE-PRIVATE',
    'GKE nodes have no external IPs and the control plane admits authorised networks only.',
    'google_container_cluster',
    [
      {
        path: 'private_cluster_config.enable_private_nodes',
        expect: 'true',
        ok: equals(true),
        default: false,
      },
    ],
  );
  return {
    ...nodes,
    check(input) {
      const out = nodes.check(input);
      for (const { resource, instance } of resourcesOf(input.instances, 'google_container_cluster'))
        if (resource.body['master_authorized_networks_config'] === undefined)
          out.push(
            violationAt(
              nodes.id,
              resource,
              `master_authorized_networks_config is unset: the control plane admits any address (${instance.label})`,
            ),
          );
      return dedupe(out);
    },
  };
})();

export const gkeWorkloadIdentityRule = attributeRule(
  'TF-GKE-WORKLOAD-IDENTITY',
  'GKE Workload Identity is on and nodes hide the metadata server from pods.',
  'google_container_cluster',
  [
    {
      path: 'workload_identity_config.workload_pool',
      expect: "the project's workload pool",
      ok: keyName,
    },
  ],
);

export const gkeVersionRule = kubernetesVersionRule(
  'TF-GKE-VERSION',
  'GKE',
  'google_container_cluster',
  'min_master_version',
  GKE_STANDARD_SUPPORT_END,
);

export const cloudSqlPrivateRule = attributeRule(
  'TF-CLOUDSQL-PRIVATE',
  'Cloud SQL has no public IP, sits on a private network and accepts encrypted connections only.',
  'google_sql_database_instance',
  [
    {
      path: 'settings.ip_configuration.ipv4_enabled',
      expect: 'false',
      ok: equals(false),
      default: true,
    },
    { path: 'settings.ip_configuration.private_network', expect: 'a VPC network', ok: keyName },
    {
      path: 'settings.ip_configuration.ssl_mode',
      expect: '"ENCRYPTED_ONLY" or "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"',
      ok: (v) => v === 'ENCRYPTED_ONLY' || v === 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED',
      default: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED',
    },
  ],
);

export const cloudSqlBackupRule: PolicyRule = (() => {
  const base = attributeRule(
    'TF-CLOUDSQL-BACKUP',
    `Cloud SQL is regional (HA standby), backs up daily with point-in-time recovery and keeps at least ${MIN_BACKUP_RETENTION_DAYS} backups.`,
    'google_sql_database_instance',
    [
      {
        path: 'settings.availability_type',
        expect: '"REGIONAL"',
        ok: equals('REGIONAL'),
        default: 'ZONAL',
      },
      {
        path: 'settings.backup_configuration.enabled',
        expect: 'true',
        ok: equals(true),
        default: false,
      },
      {
        path: 'settings.backup_configuration.point_in_time_recovery_enabled',
        expect: 'true',
        ok: equals(true),
        default: false,
      },
    ],
  );
  return {
    ...base,
    check(input) {
      const out = base.check(input);
      for (const { resource, instance } of resourcesOf(
        input.instances,
        'google_sql_database_instance',
      )) {
        const kept = attributeAt(
          resource,
          'settings.backup_configuration.backup_retention_settings.retained_backups',
          instance,
        );
        const value = kept === MISSING ? 7 : kept;
        if (!atLeast(MIN_BACKUP_RETENTION_DAYS)(value))
          out.push(
            violationAt(
              base.id,
              resource,
              `retained_backups must be at least ${MIN_BACKUP_RETENTION_DAYS}, got ${String(value === UNKNOWN ? 'an unresolvable expression' : value)} (${instance.label})`,
            ),
          );
      }
      return dedupe(out);
    },
  };
})();

export const memorystoreTlsRule = attributeRule(
  'TF-MEMORYSTORE-TLS',
  'Memorystore for Redis encrypts in transit, requires AUTH and fails over to a replica (STANDARD_HA).',
  'google_redis_instance',
  [
    {
      path: 'transit_encryption_mode',
      expect: '"SERVER_AUTHENTICATION"',
      ok: equals('SERVER_AUTHENTICATION'),
      default: 'DISABLED',
    },
    { path: 'auth_enabled', expect: 'true', ok: equals(true), default: false },
    { path: 'tier', expect: '"STANDARD_HA"', ok: equals('STANDARD_HA'), default: 'BASIC' },
  ],
);

export const gcpRules: PolicyRule[] = [
  gkeSecretsEncryptionRule,
  gkePrivateRule,
  gkeWorkloadIdentityRule,
  gkeVersionRule,
  cloudSqlPrivateRule,
  cloudSqlBackupRule,
  memorystoreTlsRule,
];
