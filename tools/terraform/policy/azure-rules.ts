/**
 * Azure equivalents of the AWS rules: AKS secrets encrypted with a Key Vault key, a private or
 * range-limited API server, workload identity, autoscaling pools, a supported version; PostgreSQL
 * Flexible Server private, zone-redundant and geo-backed-up; Azure Cache for Redis TLS only.
 * (Flexible Server and Redis always encrypt at rest with service-managed keys: nothing to check.)
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
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, describe, resourcesOf, violationAt } from './rule.ts';
import { kubernetesVersionRule } from './version-rule.ts';

/**
 * End of AKS standard support per minor (AKS release calendar, learn.microsoft.com/azure/aks/
 * supported-kubernetes-versions). Dates after 1.34 are 12 months after the AKS GA and must be
 * replaced by Microsoft's once published.
 */
export const AKS_STANDARD_SUPPORT_END: Record<string, string> = {
  '1.32': '2026-03-31',
  '1.33': '2026-06-30',
  '1.34': '2026-11-30',
  '1.35': '2027-03-31',
  '1.36': '2027-06-30',
};

export const aksKmsRule = attributeRule(
  'TF-AKS-KMS',
  'AKS encrypts Kubernetes secrets in etcd with a Key Vault key (KMS), over the private network.',
  'azurerm_kubernetes_cluster',
  [
    {
      path: 'key_management_service.key_vault_key_id',
      expect: 'a Key Vault key id',
      ok: (v) => nonEmptyString(v) || v === UNKNOWN,
    },
    {
      path: 'key_management_service.key_vault_network_access',
      expect: '"Private"',
      ok: equals('Private'),
      default: 'Public',
    },
  ],
);

const OPEN_RANGES = new Set(['0.0.0.0/0', '::/0', '*']);

export const aksApiAccessRule: PolicyRule = {
  id: 'TF-AKS-API-ACCESS',
  description:
    'The AKS API server is private, or public only to authorised ranges (never 0.0.0.0/0 or none).',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(instances, 'azurerm_kubernetes_cluster')) {
      const priv = attributeAt(resource, 'private_cluster_enabled', instance);
      if (priv === true) continue;
      const ranges = attributeAt(
        resource,
        'api_server_access_profile.authorized_ip_ranges',
        instance,
      );
      const ok =
        Array.isArray(ranges) &&
        ranges.length > 0 &&
        ranges.every((range) => typeof range === 'string' && !OPEN_RANGES.has(range));
      if (!ok)
        out.push(
          violationAt(
            this.id,
            resource,
            `the API server is public (private_cluster_enabled ${priv === MISSING ? 'unset' : describe(priv)}) and api_server_access_profile.authorized_ip_ranges ${ranges === MISSING ? 'is unset (AKS then admits every address)' : `is ${describe(ranges)}`} (${instance.label})`,
          ),
        );
    }
    return dedupe(out);
  },
};

export const aksWorkloadIdentityRule = attributeRule(
  'TF-AKS-WORKLOAD-IDENTITY',
  'AKS issues OIDC tokens and federates them (workload identity); no local admin account.',
  'azurerm_kubernetes_cluster',
  [
    { path: 'oidc_issuer_enabled', expect: 'true', ok: equals(true), default: false },
    { path: 'workload_identity_enabled', expect: 'true', ok: equals(true), default: false },
    { path: 'local_account_disabled', expect: 'true', ok: equals(true), default: false },
  ],
);

export const aksAutoscalingRule: PolicyRule = (() => {
  const cluster = attributeRule(
    'TF-AKS-AUTOSCALING',
    'AKS node pools scale with the cluster autoscaler across zones.',
    'azurerm_kubernetes_cluster',
    [
      {
        path: 'default_node_pool.auto_scaling_enabled',
        expect: 'true',
        ok: equals(true),
        default: false,
      },
    ],
  );
  const pools = attributeRule(
    cluster.id,
    cluster.description,
    'azurerm_kubernetes_cluster_node_pool',
    [{ path: 'auto_scaling_enabled', expect: 'true', ok: equals(true), default: false }],
  );
  return { ...cluster, check: (input) => [...cluster.check(input), ...pools.check(input)] };
})();

export const aksVersionRule = kubernetesVersionRule(
  'TF-AKS-VERSION',
  'AKS',
  'azurerm_kubernetes_cluster',
  'kubernetes_version',
  AKS_STANDARD_SUPPORT_END,
);

export const azurePostgresPrivateRule = attributeRule(
  'TF-AZURE-PG-PRIVATE',
  'PostgreSQL Flexible Server has no public endpoint (VNet integration) and requires TLS.',
  'azurerm_postgresql_flexible_server',
  [
    { path: 'public_network_access_enabled', expect: 'false', ok: equals(false), default: true },
    {
      path: 'delegated_subnet_id',
      expect: 'a delegated subnet',
      ok: (v) => nonEmptyString(v) || v === UNKNOWN,
    },
  ],
);

export const azurePostgresBackupRule = attributeRule(
  'TF-AZURE-PG-BACKUP',
  `PostgreSQL Flexible Server is zone-redundant and keeps geo-redundant backups for at least ${MIN_BACKUP_RETENTION_DAYS} days.`,
  'azurerm_postgresql_flexible_server',
  [
    { path: 'high_availability.mode', expect: '"ZoneRedundant"', ok: equals('ZoneRedundant') },
    { path: 'geo_redundant_backup_enabled', expect: 'true', ok: equals(true), default: false },
    {
      path: 'backup_retention_days',
      expect: `at least ${MIN_BACKUP_RETENTION_DAYS}`,
      ok: atLeast(MIN_BACKUP_RETENTION_DAYS),
      default: 7,
    },
  ],
);

export const azureRedisTlsRule = attributeRule(
  'TF-AZURE-REDIS-TLS',
  'Azure Cache for Redis accepts TLS 1.2+ only and has no public network access.',
  'azurerm_redis_cache',
  [
    { path: 'non_ssl_port_enabled', expect: 'false', ok: equals(false), default: false },
    { path: 'minimum_tls_version', expect: '"1.2"', ok: equals('1.2'), default: '1.2' },
    { path: 'public_network_access_enabled', expect: 'false', ok: equals(false), default: true },
  ],
);

/**
 * Cross-cloud failover (terraform/modules/azure-traffic-manager) judges each cloud by the
 * services' readiness contract over HTTPS, and clients follow within a minute: TCP or HTTP
 * probes, or another path, would keep sending traffic to a gateway whose services are down.
 */
export const trafficManagerReadyRule = attributeRule(
  'TF-TRAFFIC-MANAGER-READY',
  'Traffic Manager failover probes every endpoint with HTTPS GET /ready and answers with a TTL of at most 60 s.',
  'azurerm_traffic_manager_profile',
  [
    { path: 'monitor_config.protocol', expect: '"HTTPS"', ok: equals('HTTPS') },
    { path: 'monitor_config.path', expect: '"/ready"', ok: equals('/ready') },
    {
      path: 'dns_config.ttl',
      expect: 'at most 60',
      ok: (value) => value === UNKNOWN || (typeof value === 'number' && value <= 60),
    },
  ],
);

export const azureRules: PolicyRule[] = [
  aksKmsRule,
  aksApiAccessRule,
  aksWorkloadIdentityRule,
  aksAutoscalingRule,
  aksVersionRule,
  azurePostgresPrivateRule,
  azurePostgresBackupRule,
  azureRedisTlsRule,
  trafficManagerReadyRule,
];
