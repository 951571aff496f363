/**
 * The cluster configuration is the cloud's the cluster runs on: cluster.yaml names the cloud
 * Terraform builds the cluster on; the `fediflow-secrets` store reads that cloud's secret service;
 * the issuer's DNS-01 solver writes to that cloud's DNS (or uses HTTP-01); load balancer
 * annotations are that cloud's (another cloud's are ignored by its controller, leaving a default
 * load balancer nobody configured); StorageClasses name that cloud's CSI driver (another
 * driver's volumes stay Pending).
 */
import { placeAll, placedRef } from '../inventory.ts';
import type { Cloud, SyncRule } from '../types.ts';
import { CLOUD_NAMES } from './cloud-identity.ts';

/** External Secrets provider of each cloud's secret service (deploy/platform/components/<cloud>). */
const SECRET_STORE: Record<Cloud, string> = {
  aws: 'aws',
  azure: 'azurekv',
  gcp: 'gcpsm',
  onprem: 'kubernetes',
};
/** cert-manager DNS-01 solvers per cloud; HTTP-01 works everywhere. */
const DNS01: Record<Cloud, string | undefined> = {
  aws: 'route53',
  azure: 'azureDNS',
  gcp: 'cloudDNS',
  onprem: undefined,
};
const LOAD_BALANCER_ANNOTATIONS: Record<Cloud, readonly RegExp[]> = {
  aws: [/^service\.beta\.kubernetes\.io\/aws-load-balancer-/],
  azure: [/^service\.beta\.kubernetes\.io\/azure-/, /^service\.beta\.kubernetes\.io\/port_\d+_/],
  gcp: [/^cloud\.google\.com\//, /^networking\.gke\.io\//],
  onprem: [],
};
const CSI_DRIVERS: Record<Cloud, readonly string[]> = {
  aws: ['ebs.csi.aws.com', 'efs.csi.aws.com'],
  azure: ['disk.csi.azure.com', 'file.csi.azure.com'],
  gcp: ['pd.csi.storage.gke.io', 'filestore.csi.storage.gke.io'],
  onprem: ['rancher.io/local-path'],
};

const cloudOfAnnotation = (key: string): Cloud | undefined =>
  (Object.keys(LOAD_BALANCER_ANNOTATIONS) as Cloud[]).find((cloud) =>
    LOAD_BALANCER_ANNOTATIONS[cloud].some((pattern) => pattern.test(key)),
  );

export const cloudRule: SyncRule = {
  id: 'cloud-configuration',
  description:
    "the secret store, DNS-01 solver, load balancer annotations and storage classes are those of the cloud Terraform builds the cluster on (cluster.yaml's cloud)",
  check(cluster) {
    const { cloud } = cluster.terraform;
    const name = CLOUD_NAMES[cloud];
    const problems = [];
    if (cluster.declared['cloud'] !== cloud)
      problems.push({
        object: 'ConfigMap/cluster',
        message: `argocd/clusters/${cluster.name}/cluster.yaml says cloud ${cluster.declared['cloud'] ?? '(none)'}, but terraform/environments/${cluster.name} builds ${cloud === 'onprem' ? 'no cloud cluster (on premises)' : `an ${name} cluster`}`,
      });
    for (const entry of placeAll(cluster)) {
      const { object } = entry;
      const spec = (object['spec'] ?? {}) as Record<string, unknown>;
      if (object.kind === 'ClusterSecretStore' || object.kind === 'SecretStore') {
        const providers = Object.keys((spec['provider'] as object | undefined) ?? {});
        if (providers.length !== 1 || providers[0] !== SECRET_STORE[cloud])
          problems.push({
            object: placedRef(entry),
            message: `reads ${providers.join(', ') || 'no provider'}; a cluster on ${name} reads ${SECRET_STORE[cloud]}`,
          });
      }
      if (object.kind === 'ClusterIssuer' || object.kind === 'Issuer') {
        const solvers = ((spec['acme'] as { solvers?: Array<Record<string, unknown>> } | undefined)
          ?.solvers ?? []) as Array<{ dns01?: Record<string, unknown>; http01?: unknown }>;
        for (const solver of solvers) {
          const dns = Object.keys(solver.dns01 ?? {}).filter((key) => key !== 'cnameStrategy');
          if (solver.dns01 && (dns.length !== 1 || dns[0] !== DNS01[cloud]))
            problems.push({
              object: placedRef(entry),
              message: `solves DNS-01 with ${dns.join(', ')}; a cluster on ${name} ${DNS01[cloud] ? `uses ${DNS01[cloud]}` : 'has no cloud DNS: use HTTP-01'}`,
            });
        }
      }
      if (object.kind === 'Service' && spec['type'] === 'LoadBalancer')
        for (const key of Object.keys(object.metadata.annotations ?? {})) {
          const owner = cloudOfAnnotation(key);
          if (owner && owner !== cloud)
            problems.push({
              object: placedRef(entry),
              message: `carries the ${CLOUD_NAMES[owner]} load balancer annotation ${key}, which ${name}'s load balancer controller ignores`,
            });
        }
      if (object.kind === 'StorageClass') {
        const provisioner = String(object['provisioner'] ?? '');
        if (!CSI_DRIVERS[cloud].includes(provisioner))
          problems.push({
            object: placedRef(entry),
            message: `provisions with ${provisioner || '(none)'}, which ${name} does not run (${CSI_DRIVERS[cloud].join(', ')})`,
          });
      }
    }
    return problems;
  },
};
