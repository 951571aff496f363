/**
 * Every cluster's platform configuration (deploy/platform/clusters/<cluster>) renders to one
 * complete set for its cloud: the `fediflow-secrets` store every ExternalSecret names, the
 * `letsencrypt` issuer, the gateway certificate, with every cloud placeholder filled in.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kustomize } from './render.ts';
import type { K8sObject } from './types.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const clustersDir = path.join(repoRoot, 'deploy', 'platform', 'clusters');
const PLACEHOLDERS = /\b(REGION|HOST|VAULT|PROJECT|SUBSCRIPTION|RESOURCE_GROUP|CLIENT_ID)\b/;
/** The External Secrets provider each cloud's platform component configures. */
const STORE_PROVIDER: Record<string, string> = {
  aws: 'aws',
  azure: 'azurekv',
  gcp: 'gcpsm',
  onprem: 'kubernetes',
};
const cloudOf = (cluster: string): string =>
  cluster.startsWith('azure-')
    ? 'azure'
    : cluster.startsWith('gcp-')
      ? 'gcp'
      : cluster === 'edge'
        ? 'onprem'
        : 'aws';

const clusters = (await readdir(clustersDir, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const named = (objects: K8sObject[], kind: string, name: string) =>
  objects.filter((o) => o.kind === kind && o.metadata.name === name);

describe('platform configuration per cluster', () => {
  it('covers the AWS, Azure, Google Cloud and on-premises clusters', () => {
    expect(new Set(clusters.map(cloudOf))).toEqual(new Set(['aws', 'azure', 'gcp', 'onprem']));
  });

  it.each(clusters)(
    '%s renders a complete set for its cloud',
    { timeout: 30_000 },
    async (cluster) => {
      const objects = await kustomize(path.join(clustersDir, cluster));
      const stores = named(objects, 'ClusterSecretStore', 'fediflow-secrets');
      expect(stores).toHaveLength(1);
      const provider = (stores[0]?.['spec'] as { provider: Record<string, unknown> }).provider;
      expect(Object.keys(provider)).toEqual([STORE_PROVIDER[cloudOf(cluster)]]);
      expect(named(objects, 'ClusterIssuer', 'letsencrypt')).toHaveLength(1);
      expect(named(objects, 'Certificate', 'fediflow-tls')).toHaveLength(1);
      const text = JSON.stringify(objects);
      expect(text).not.toMatch(PLACEHOLDERS);
    },
  );

  it.each(Object.keys(STORE_PROVIDER))(
    'the %s component alone defines the store, the issuer and nothing AWS-specific elsewhere',
    { timeout: 30_000 },
    async (cloud) => {
      const objects = await kustomize(
        path.join(repoRoot, 'deploy', 'platform', 'components', cloud),
      );
      expect(objects.map((o) => o.kind).sort()).toEqual(
        cloud === 'aws'
          ? ['ClusterIssuer', 'ClusterSecretStore']
          : ['ClusterIssuer', 'ClusterSecretStore', 'StorageClass'],
      );
    },
  );

  it(
    'the secondary-cloud overlay reads secret names without "/" (Key Vault, Secret Manager)',
    {
      timeout: 30_000,
    },
    async () => {
      const objects = await kustomize(path.join(repoRoot, 'deploy', 'overlays', 'secondary-cloud'));
      const keys = objects
        .filter((o) => o.kind === 'ExternalSecret')
        .flatMap((o) => (o['spec'] as { data: Array<{ remoteRef: { key: string } }> }).data)
        .map((d) => d.remoteRef.key);
      expect(keys.sort()).toEqual([
        'fediflow-production-database-credentials',
        'fediflow-production-redis-credentials',
        'fediflow-production-smtp-credentials',
      ]);
    },
  );
});
