import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../types.ts';
import { injectedContainers, podSecurityViolations } from './admission.ts';
import {
  FIRST_SYNC_RULES,
  ModelLoader,
  checkCluster,
  type ClusterModel,
  type SyncFinding,
} from './index.ts';
import { expandApplicationSets } from './load.ts';
import { listTargets, renderTarget } from '../render.ts';
import { allocatable } from './rules/capacity-rule.ts';
import type { AppDeployment, PlatformCapability, TerraformFacts } from './types.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
let clusters: Map<string, ClusterModel>;
/** The opt-in backup-verification component's CronJob, as rendered on the base. */
let backupVerification: K8sObject & { spec: any };

beforeAll(async () => {
  clusters = new Map(
    (await new ModelLoader(repoRoot).all()).map((cluster) => [cluster.name, cluster]),
  );
  const spec = (await listTargets(repoRoot)).find(
    (target) => target.name === 'component/backup-verification',
  );
  if (!spec) throw new Error('components/backup-verification is not a render target');
  backupVerification = object(
    (await renderTarget(repoRoot, spec)).objects,
    'CronJob',
    'backup-verification',
  );
}, 120_000);

type Draft = Omit<ClusterModel, 'apps' | 'terraform'> & {
  apps: AppDeployment[];
  terraform: Omit<TerraformFacts, 'nodeGroup' | 'workloadIdentities' | 'logGroups'> & {
    nodeGroup: TerraformFacts['nodeGroup'];
    workloadIdentities: Map<string, string>;
    logGroups: Set<string>;
    platform: Set<PlatformCapability>;
  };
  declared: Record<string, string>;
};

/** A copy of a cluster's model that a fixture may change freely (image facts are shared). */
function copy(name: string): Draft {
  const cluster = clusters.get(name)!;
  return {
    ...cluster,
    declared: { ...cluster.declared },
    root: structuredClone(cluster.root),
    apps: cluster.apps.map((app) => ({
      ...app,
      app: structuredClone(app.app),
      objects: structuredClone(app.objects),
      values: structuredClone(app.values ?? {}),
    })),
    terraform: {
      ...cluster.terraform,
      nodeGroup: { ...cluster.terraform.nodeGroup },
      workloadIdentities: new Map(cluster.terraform.workloadIdentities),
      logGroups: new Set(cluster.terraform.logGroups),
      platform: new Set(cluster.terraform.platform),
    },
  };
}

const app = (cluster: ClusterModel, name: string) => {
  const found = cluster.apps.find((candidate) => candidate.app.metadata.name === name);
  if (!found) throw new Error(`no Application ${name}`);
  return found;
};
const object = (objects: K8sObject[], kind: string, name: string): K8sObject & { spec: any } => {
  const found = objects.find(
    (candidate) => candidate.kind === kind && candidate.metadata.name === name,
  );
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found as K8sObject & { spec: any };
};
const without = (cluster: Draft, name: string): Draft => ({
  ...cluster,
  apps: cluster.apps.filter((candidate) => candidate.app.metadata.name !== name),
});
const env = (cluster: ClusterModel) => app(cluster, 'fediflow').objects;
const platform = (cluster: ClusterModel) => app(cluster, 'platform-config').objects;

function findings(ruleId: string, cluster: ClusterModel): SyncFinding[] {
  const rule = FIRST_SYNC_RULES.find((candidate) => candidate.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return checkCluster(cluster, [rule]);
}

describe('the first-sync model of the tree', () => {
  it('models one cluster per Terraform environment, each with its own environment', () => {
    expect([...clusters.keys()]).toEqual([
      'azure-secondary',
      'dr',
      'edge',
      'gcp-dr',
      'production',
      'staging',
    ]);
    expect(
      Object.fromEntries(
        [...clusters].map(([name, cluster]) => [name, cluster.terraform.environment]),
      ),
    ).toEqual({
      'azure-secondary': 'production',
      dr: 'production',
      edge: 'edge',
      'gcp-dr': 'production',
      production: 'production',
      staging: 'staging',
    });
    expect(clusters.get('dr')!.terraform.databaseIsReplica).toBe(true);
  });

  it('reads each cloud from Terraform: node pools, identities, what the platform runs', () => {
    const facts = (name: string) => clusters.get(name)!.terraform;
    expect(
      Object.fromEntries([...clusters].map(([name, cluster]) => [name, cluster.terraform.cloud])),
    ).toEqual({
      'azure-secondary': 'azure',
      dr: 'aws',
      edge: 'onprem',
      'gcp-dr': 'gcp',
      production: 'aws',
      staging: 'aws',
    });
    expect(facts('azure-secondary').nodeGroup).toEqual({
      instanceTypes: ['Standard_D4ds_v5'],
      minSize: 3,
      desiredSize: 3,
      maxSize: 12,
    });
    expect([...facts('azure-secondary').workloadIdentities.keys()].sort()).toEqual([
      'cert-manager/cert-manager',
      'external-secrets/external-secrets',
    ]);
    expect(facts('gcp-dr').workloadIdentities.get('external-secrets/external-secrets')).toBe(
      'fediflow-gcp-dr-eso@fediflow-dr.iam.gserviceaccount.com',
    );
    for (const name of ['azure-secondary', 'gcp-dr'])
      expect([...facts(name).platform].sort(), name).toEqual([
        'load-balancer',
        'log-shipping',
        'metrics-api',
        'node-autoscaler',
      ]);
    expect(facts('edge').nodeGroup.instanceTypes).toEqual(['onprem-4x8192-110']);
    expect(facts('edge').networkPolicyEnforced).toBe(true);
    expect(facts('edge').bootstrapCluster).toBe('edge');
    // Media: each AWS root's own bucket; DR's is the replica of production's.
    expect(facts('production').media).toEqual({
      bucket: 'fediflow-production-media-eu-central-1',
      region: 'eu-central-1',
    });
    expect(facts('dr').media).toEqual({
      bucket: 'fediflow-dr-media-eu-west-1',
      region: 'eu-west-1',
      replicatedFrom: 'fediflow-production-media-eu-central-1',
    });
    expect(facts('azure-secondary').media).toBeUndefined();
  });

  it('reserves what each platform documents for its kubelet', () => {
    // EKS AMI: 70 m CPU on two cores; 255 MiB + 11 MiB × 35 pods + 100 MiB eviction.
    expect(allocatable('aws', 't3.large')).toEqual({ cpu: 1930, memory: 7452, pods: 35 });
    // AKS: 140 m on four cores; min(20 MiB × 250 + 50, 25 % of 16 GiB) + 100 MiB.
    expect(allocatable('azure', 'Standard_D4ds_v5')).toEqual({
      cpu: 3860,
      memory: 12188,
      pods: 250,
    });
    // GKE: 80 m; 1024 + 819.2 + 819.2 MiB (25/20/10 % tiers of 16 GiB) + 100 MiB.
    expect(allocatable('gcp', 'e2-standard-4')).toEqual({ cpu: 3920, memory: 13621.6, pods: 110 });
    expect(allocatable('onprem', 'onprem-4x8192-110')).toEqual({
      cpu: 4000,
      memory: 8092,
      pods: 110,
    });
    expect(allocatable('azure', 't3.large')).toBeUndefined();
  });

  it('finds nothing: every cluster comes up', () => {
    for (const cluster of clusters.values())
      expect(checkCluster(cluster), cluster.name).toEqual([]);
  });
});

const tested = new Set<string>();
function rejects(
  ruleId: string,
  what: string,
  build: () => ClusterModel,
  expected: RegExp,
  object?: string,
) {
  tested.add(ruleId);
  it(`${ruleId} rejects ${what}`, () => {
    const found = findings(ruleId, build());
    expect(found.length, `no finding for: ${what}`).toBeGreaterThan(0);
    const match = found.find(
      (finding) => expected.test(finding.message) && (!object || finding.object === object),
    );
    expect(match, JSON.stringify(found, null, 1)).toBeDefined();
  });
}

describe('each rule rejects its defect reintroduced', () => {
  // 1. Pod Security restricted + injection without istio-cni.
  rejects(
    'pod-security-admission',
    'sidecar injection without istio-cni (istio-init needs NET_ADMIN, NET_RAW, root)',
    () => without(copy('production'), 'istio-cni'),
    /NET_ADMIN, NET_RAW.*not allowed by baseline/,
    'Deployment/fediflow-production/api',
  );
  rejects(
    'pod-security-admission',
    'istio-cni installed but istiod not in CNI mode',
    () => {
      const cluster = copy('staging');
      (app(cluster, 'istiod').values as any).cni.enabled = false;
      return cluster;
    },
    /istio-init: runAsNonRoot is not true/,
  );
  rejects(
    'pod-security-admission',
    'a container that may escalate privileges',
    () => {
      const cluster = copy('staging');
      object(
        env(cluster),
        'Deployment',
        'workers',
      ).spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
      return cluster;
    },
    /app: allowPrivilegeEscalation is not false/,
    'Deployment/fediflow-staging/workers',
  );
  rejects(
    'pod-security-admission',
    'a hostPath DaemonSet add-on in a restricted namespace',
    () => {
      const cluster = copy('staging');
      (app(cluster, 'fluent-bit').app as any).spec.syncPolicy.managedNamespaceMetadata = {
        labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      };
      return cluster;
    },
    /fluent-bit needs a privileged namespace/,
  );

  // 2. AppProject permissions.
  rejects(
    'appproject-permissions',
    'kube-prometheus-stack rendering into kube-system outside the destinations',
    () => {
      const cluster = copy('production');
      const project = object(cluster.root, 'AppProject', 'platform');
      project.spec.destinations = project.spec.destinations.filter(
        (d: { namespace: string }) => d.namespace !== 'kube-system',
      );
      return cluster;
    },
    /renders into kube-system/,
    'Application/kube-prometheus-stack',
  );
  rejects(
    'appproject-permissions',
    'a new add-on whose cluster-scoped kinds the project does not allow',
    () => {
      const cluster = copy('production');
      const project = object(cluster.root, 'AppProject', 'platform');
      project.spec.clusterResourceWhitelist = project.spec.clusterResourceWhitelist.filter(
        (k: { kind: string }) => k.kind !== 'IngressClass',
      );
      return cluster;
    },
    /networking\.k8s\.io\/IngressClass is not in clusterResourceWhitelist/,
    'Application/aws-load-balancer-controller',
  );
  rejects(
    'appproject-permissions',
    'a ClusterSecretStore from platform-config the project does not whitelist',
    () => {
      const cluster = copy('dr');
      const project = object(cluster.root, 'AppProject', 'platform');
      project.spec.clusterResourceWhitelist = project.spec.clusterResourceWhitelist.filter(
        (k: { kind: string }) => k.kind !== 'ClusterSecretStore',
      );
      return cluster;
    },
    /ClusterSecretStore/,
    'Application/platform-config',
  );
  rejects(
    'appproject-permissions',
    'an Application outside argocd without sourceNamespaces',
    () => {
      const cluster = copy('staging');
      app(cluster, 'fediflow').app.metadata.namespace = 'team-apps';
      return cluster;
    },
    /sourceNamespaces/,
  );
  rejects(
    'appproject-permissions',
    'a chart repository not in sourceRepos',
    () => {
      const cluster = copy('staging');
      (app(cluster, 'metrics-server').app as any).spec.sources[0].repoURL =
        'https://example.com/charts';
      return cluster;
    },
    /not in project platform's sourceRepos/,
  );

  // 3. References.
  rejects(
    'references-resolve',
    'ExternalSecrets naming a ClusterSecretStore nothing creates',
    () => {
      const cluster = copy('production');
      const objects = platform(cluster);
      objects.splice(
        objects.findIndex((o) => o.kind === 'ClusterSecretStore'),
        1,
      );
      return cluster;
    },
    /ClusterSecretStore fediflow-secrets does not exist/,
    'ExternalSecret/fediflow-production/database-credentials',
  );
  rejects(
    'references-resolve',
    "the Gateway's credentialName with no Secret in the gateway pods' namespace",
    () => {
      const cluster = copy('staging');
      const objects = platform(cluster);
      objects.splice(
        objects.findIndex((o) => o.kind === 'Certificate'),
        1,
      );
      return cluster;
    },
    /credentialName fediflow-tls is no Secret in the gateway pods' namespace \(istio-ingress\)/,
  );
  rejects(
    'references-resolve',
    'a Service selector that matches no pod',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'Service', 'api').spec.selector = { 'app.kubernetes.io/name': 'apii' };
      return cluster;
    },
    /matches no pod/,
    'Service/fediflow-staging/api',
  );
  rejects(
    'references-resolve',
    'a DestinationRule host that is no Service',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'DestinationRule', 'api').spec.host = 'api-v2';
      return cluster;
    },
    /host api-v2 is no Service/,
  );
  rejects(
    'references-resolve',
    'an AuthorizationPolicy principal whose ServiceAccount does not exist',
    () => {
      const cluster = copy('staging');
      (app(cluster, 'istio-ingressgateway').values as any).serviceAccount = { name: 'gateway' };
      cluster.apps = cluster.apps.map((entry) =>
        entry.app.metadata.name === 'istio-ingressgateway'
          ? {
              ...entry,
              objects: entry.objects.map((o) =>
                o.kind === 'ServiceAccount'
                  ? { ...o, metadata: { ...o.metadata, name: 'gateway' } }
                  : o,
              ),
            }
          : entry,
      );
      return cluster;
    },
    /principal cluster\.local\/ns\/istio-ingress\/sa\/istio-ingressgateway names a ServiceAccount that does not exist/,
  );
  rejects(
    'references-resolve',
    'a VirtualService routing to a Service port that does not exist',
    () => {
      const cluster = copy('staging');
      object(
        env(cluster),
        'VirtualService',
        'fediflow',
      ).spec.http[0].route[0].destination.port.number = 3000;
      return cluster;
    },
    /route destination api:3000 is not a port of Service api/,
  );
  rejects(
    'references-resolve',
    'a VirtualService bound to a Gateway that does not exist',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'VirtualService', 'fediflow').spec.gateways = ['public'];
      return cluster;
    },
    /Gateway public does not exist/,
  );
  rejects(
    'references-resolve',
    'a NetworkPolicy selecting no pod',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'NetworkPolicy', 'allow-smtp').spec.podSelector = {
        matchLabels: { 'app.kubernetes.io/name': 'mailer' },
      };
      return cluster;
    },
    /podSelector matches no pod/,
  );
  rejects(
    'references-resolve',
    'a PodDisruptionBudget selecting no pod',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'PodDisruptionBudget', 'api').spec.selector = {
        matchLabels: { app: 'api' },
      };
      return cluster;
    },
    /selector matches no pod/,
    'PodDisruptionBudget/fediflow-staging/api',
  );
  rejects(
    'references-resolve',
    'an HPA whose target does not exist',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'HorizontalPodAutoscaler', 'workers').spec.scaleTargetRef.name =
        'worker';
      return cluster;
    },
    /scale target Deployment\/worker does not exist/,
  );
  rejects(
    'references-resolve',
    'a pod reading a Secret nothing produces',
    () => {
      const cluster = copy('staging');
      const objects = env(cluster);
      objects.splice(
        objects.findIndex(
          (o) => o.kind === 'ExternalSecret' && o.metadata.name === 'redis-credentials',
        ),
        1,
      );
      return cluster;
    },
    /Secret redis-credentials \(app env REDIS_URL\) does not exist/,
  );

  // 7. Controllers and CRDs.
  rejects(
    'controllers-present',
    'an "external" LoadBalancer Service without the AWS Load Balancer Controller',
    () => without(copy('production'), 'aws-load-balancer-controller'),
    /AWS Load Balancer Controller/,
  );
  rejects(
    'controllers-present',
    'Resource-metric HPAs without metrics-server',
    () => without(copy('staging'), 'metrics-server'),
    /metrics\.k8s\.io/,
  );
  rejects(
    'controllers-present',
    'NetworkPolicies without enforcement (vpc-cni enableNetworkPolicy)',
    () => {
      const cluster = copy('staging');
      return { ...cluster, terraform: { ...cluster.terraform, networkPolicyEnforced: false } };
    },
    /enableNetworkPolicy/,
  );
  rejects(
    'controllers-present',
    'Fluent Bit shipping to an Elasticsearch nothing provisions',
    () => {
      const cluster = copy('staging');
      const values = app(cluster, 'fluent-bit').values as any;
      values.config.outputs =
        '[OUTPUT]\n    Name es\n    Match kube.*\n    Host elasticsearch.logging.svc.cluster.local\n    Port 9200\n';
      return cluster;
    },
    /elasticsearch\.logging\.svc\.cluster\.local, which no Service/,
  );
  rejects(
    'controllers-present',
    'a Certificate without cert-manager',
    () => without(copy('staging'), 'cert-manager'),
    /no add-on in the cluster installs the CRD for cert-manager\.io\/Certificate/,
  );
  rejects(
    'controllers-present',
    "a CRD's add-on in a later wave than its user",
    () => {
      const cluster = copy('staging');
      cluster.apps = cluster.apps.map((entry) =>
        entry.app.metadata.name === 'external-secrets' ? { ...entry, wave: 20 } : entry,
      );
      return cluster;
    },
    /comes from external-secrets \(wave 20\)/,
  );
  rejects(
    'controllers-present',
    "sync waves without Argo CD's Application health check",
    () => {
      const cluster = copy('staging');
      return { ...cluster, terraform: { ...cluster.terraform, applicationHealthCheck: false } };
    },
    /health check/,
  );
  rejects(
    'controllers-present',
    'a chart version the catalog has not modelled',
    () => {
      const cluster = copy('staging');
      (app(cluster, 'kyverno').app as any).spec.sources[0].targetRevision = '9.9.9';
      return cluster;
    },
    /kyverno@9\.9\.9 .* is not in the add-on catalog/,
  );
  rejects(
    'controllers-present',
    'an AWS-calling controller without a Pod Identity association',
    () => {
      const cluster = copy('dr');
      cluster.terraform.workloadIdentities.delete('kube-system/cluster-autoscaler');
      return cluster;
    },
    /kube-system\/cluster-autoscaler calls AWS/,
  );
  rejects(
    'controllers-present',
    'the load balancer controller without its cluster name',
    () => {
      const cluster = copy('dr');
      delete (app(cluster, 'aws-load-balancer-controller').values as any).clusterName;
      return cluster;
    },
    /needs the value clusterName/,
  );

  // 7. Capacity.
  rejects(
    'capacity',
    'DR (one node) without an autoscaler',
    () => without(copy('dr'), 'cluster-autoscaler'),
    /no autoscaler adds nodes/,
  );
  rejects(
    'capacity',
    'minimum replicas beyond the node group maximum',
    () => {
      const cluster = copy('production');
      cluster.terraform.nodeGroup = { ...cluster.terraform.nodeGroup, desiredSize: 2, maxSize: 2 };
      return cluster;
    },
    /more than the node group's maximum of 2/,
  );

  // 4. Commands.
  rejects(
    'commands-in-image',
    'the migration Job running dist/apps/api/migrate.js (the bundle is /app)',
    () => {
      const cluster = copy('staging');
      const container = object(env(cluster), 'Job', 'migrate').spec.template.spec.containers[0];
      container.command = ['node', 'dist/apps/api/migrate.js'];
      delete container.args;
      return cluster;
    },
    /resolves to \/app\/dist\/apps\/api\/migrate\.js, which the api image does not contain/,
  );
  rejects(
    'commands-in-image',
    'a service image started with an entry point it does not bundle',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'Deployment', 'workers').spec.template.spec.containers[0].args = [
        'migrate.js',
      ];
      return cluster;
    },
    /which the workers image does not contain/,
  );
  rejects(
    'commands-in-image',
    'the backup-verification CronJob (opted into production) on an image without backup-verify.js',
    () => {
      const cluster = copy('production');
      const cronJob = structuredClone(backupVerification);
      const workers = object(env(cluster), 'Deployment', 'workers').spec.template.spec.containers[0]
        .image as string;
      cronJob.metadata.namespace = object(env(cluster), 'Deployment', 'workers').metadata.namespace;
      cronJob.spec.jobTemplate.spec.template.spec.containers[0].image = workers.replace(
        '/workers',
        '/api',
      );
      env(cluster).push(cronJob);
      return cluster;
    },
    /resolves to \/app\/backup-verify\.js, which the api image does not contain/,
  );
  rejects(
    'commands-in-image',
    'a command the runtime image removed (npx)',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'Job', 'migrate').spec.template.spec.containers[0].command = [
        'npx',
        'typeorm',
        'migration:run',
      ];
      return cluster;
    },
    /npx is not in the image/,
  );

  // 5. Image tags.
  rejects(
    'images-produced',
    'a tag the pipeline never pushes (0.1.0)',
    () => {
      const cluster = copy('staging');
      for (const kind of ['Deployment', 'Job'])
        for (const o of env(cluster).filter((x) => x.kind === kind))
          (o as any).spec.template.spec.containers[0].image = (
            o as any
          ).spec.template.spec.containers[0].image.replace(/:[0-9a-f]{40}$/, ':0.1.0');
      return cluster;
    },
    /tag 0\.1\.0 is never pushed/,
  );
  rejects(
    'images-produced',
    'placeholder all-zero digests',
    () => {
      const cluster = copy('production');
      object(env(cluster), 'Deployment', 'api').spec.template.spec.containers[0].image =
        `ghcr.io/fediflow/api@sha256:${'0'.repeat(64)}`;
      return cluster;
    },
    /placeholder digest/,
  );
  rejects(
    'images-produced',
    'a commit whose push built no service images (a docs-only commit)',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'Deployment', 'api').spec.template.spec.containers[0].image =
        'ghcr.io/fediflow/api:c6d993a570b714cad9ab5adc0f56ec70c1178221';
      return cluster;
    },
    /tag c6d993a5.* is never pushed/,
  );
  rejects(
    'images-produced',
    'an image the pipeline does not build',
    () => {
      const cluster = copy('staging');
      object(env(cluster), 'Deployment', 'api').spec.template.spec.containers[0].image =
        'ghcr.io/fediflow/gateway:main';
      return cluster;
    },
    /not one of the pipeline's images/,
  );

  // 10. Signatures in production.
  rejects(
    'production-images-verified',
    'production without the cosign verification policy',
    () => {
      const cluster = copy('production');
      const objects = platform(cluster);
      objects.splice(
        objects.findIndex((o) => o.kind === 'ClusterPolicy'),
        1,
      );
      return cluster;
    },
    /admitted without verifying/,
    'Deployment/fediflow-production/api',
  );
  rejects(
    'production-images-verified',
    'a verification policy in Audit mode',
    () => {
      const cluster = copy('dr');
      object(
        platform(cluster),
        'ClusterPolicy',
        'verify-fediflow-images',
      ).spec.validationFailureAction = 'Audit';
      return cluster;
    },
    /admitted without verifying/,
  );

  // 6. One environment per cluster; no migrations on the DR replica.
  rejects(
    'one-environment-per-cluster',
    'the old ApplicationSet putting dev, staging and production on every cluster',
    () => {
      const cluster = copy('production');
      const text = execFileSync(
        'git',
        ['show', 'ca1e41a31ec739f6b49292bdeb7bdd262e30bfd9:argocd/applicationset.yaml'],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      const generated = expandApplicationSets(
        parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject),
      );
      const fediflow = app(cluster, 'fediflow');
      cluster.apps = [
        ...cluster.apps.filter((entry) => entry !== fediflow),
        ...generated.map((generatedApp) => ({ ...fediflow, app: generatedApp })),
      ];
      return cluster;
    },
    /deploys fediflow-staging into a cluster Terraform built for fediflow-production/,
    'Application/fediflow-staging',
  );
  rejects(
    'one-environment-per-cluster',
    'a Terraform root bootstrapping another cluster’s entry point',
    () => {
      const cluster = copy('dr');
      return { ...cluster, terraform: { ...cluster.terraform, bootstrapCluster: 'production' } };
    },
    /bootstraps argocd\/clusters\/production/,
  );
  rejects(
    'no-migration-on-replica',
    'the DR cluster syncing the production overlay (migration Job against the read replica)',
    () => {
      const cluster = copy('dr');
      const production = clusters.get('production')!;
      app(cluster, 'fediflow').objects.push(
        structuredClone(object(app(production, 'fediflow').objects, 'Job', 'migrate')),
      );
      return cluster;
    },
    /read replica/,
    'Job/fediflow-production/migrate',
  );

  const mediaConfig = (cluster: ClusterModel) => {
    const found = env(cluster).find(
      (candidate) =>
        candidate.kind === 'ConfigMap' && candidate.metadata.name.startsWith('media-config-'),
    );
    if (!found) throw new Error(`no media-config in ${cluster.name}`);
    return found as K8sObject & { data: Record<string, string> };
  };
  rejects(
    'media-storage-in-region',
    'the DR cluster syncing the production overlay after failover (media in the failed region’s bucket)',
    () => {
      const cluster = copy('dr');
      mediaConfig(cluster).data = { ...mediaConfig(clusters.get('production')!).data };
      return cluster;
    },
    /stores media in fediflow-production-media-eu-central-1 \(eu-central-1\), not in fediflow-dr-media-eu-west-1 \(eu-west-1\).*replica of fediflow-production-media-eu-central-1/,
    'Deployment/fediflow-production/api',
  );
  rejects(
    'media-storage-in-region',
    'staging pointed at another region (the bucket exists, the client signs for the wrong region)',
    () => {
      const cluster = copy('staging');
      mediaConfig(cluster).data['MEDIA_S3_REGION'] = 'eu-west-1';
      return cluster;
    },
    /\(eu-west-1\), not in fediflow-staging-media-eu-central-1 \(eu-central-1\)/,
    'Deployment/fediflow-staging/workers',
  );
  rejects(
    'media-storage-in-region',
    'S3 media on a cluster whose Terraform builds no media bucket',
    () => {
      const cluster = copy('production');
      return { ...cluster, terraform: { ...cluster.terraform, media: undefined } };
    },
    /builds no media bucket/,
  );

  rejects(
    'media-identity-outside-aws',
    'the Azure secondary without the web identity role (no AWS credentials for the DR bucket)',
    () => {
      const cluster = copy('azure-secondary');
      delete mediaConfig(cluster).data['AWS_ROLE_ARN'];
      return cluster;
    },
    /stores media on S3 from azure without AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE/,
    'Deployment/fediflow-production/api',
  );
  rejects(
    'media-identity-outside-aws',
    'the Google Cloud DR with its token projected for another audience',
    () => {
      const cluster = copy('gcp-dr');
      const api = object(env(cluster), 'Deployment', 'api');
      const volume = api.spec.template.spec.volumes.find(
        (candidate: { name: string }) => candidate.name === 'aws-web-identity',
      );
      volume.projected.sources[0].serviceAccountToken.audience = 'https://kubernetes.default.svc';
      return cluster;
    },
    /no service account token projected for sts\.amazonaws\.com is mounted there/,
    'Deployment/fediflow-production/api',
  );

  // 8. Egress.
  rejects(
    'outbound-https-allowed',
    'api without egress to 443',
    () => {
      const cluster = copy('production');
      object(
        env(cluster),
        'NetworkPolicy',
        'allow-internet-egress',
      ).spec.podSelector.matchExpressions[0].values = ['federation', 'workers'];
      return cluster;
    },
    /api calls remote servers/,
    'Deployment/fediflow-production/api',
  );

  // 9. Cloud configuration and identities (Azure, Google Cloud, on premises).
  rejects(
    'cloud-configuration',
    "a cluster.yaml naming another cloud than Terraform's",
    () => {
      const cluster = copy('gcp-dr');
      cluster.declared['cloud'] = 'azure';
      return cluster;
    },
    /says cloud azure, but terraform\/environments\/gcp-dr builds an Google Cloud cluster/,
    'ConfigMap/cluster',
  );
  rejects(
    'cloud-configuration',
    'the AWS secret store on AKS',
    () => {
      const cluster = copy('azure-secondary');
      object(platform(cluster), 'ClusterSecretStore', 'fediflow-secrets').spec.provider = {
        aws: { service: 'SecretsManager', region: 'eu-central-1' },
      };
      return cluster;
    },
    /reads aws; a cluster on Azure reads azurekv/,
  );
  rejects(
    'cloud-configuration',
    'a Route 53 DNS-01 solver on GKE',
    () => {
      const cluster = copy('gcp-dr');
      object(platform(cluster), 'ClusterIssuer', 'letsencrypt').spec.acme.solvers = [
        { dns01: { route53: { region: 'eu-central-1' } } },
      ];
      return cluster;
    },
    /solves DNS-01 with route53; a cluster on Google Cloud uses cloudDNS/,
  );
  rejects(
    'cloud-configuration',
    'a DNS-01 solver on premises, where no cloud DNS exists',
    () => {
      const cluster = copy('edge');
      object(platform(cluster), 'ClusterIssuer', 'letsencrypt').spec.acme.solvers = [
        { dns01: { cloudDNS: { project: 'x' } } },
      ];
      return cluster;
    },
    /has no cloud DNS: use HTTP-01/,
  );
  rejects(
    'cloud-configuration',
    "the AWS NLB annotations on AKS's gateway",
    () => {
      const cluster = copy('azure-secondary');
      const gateway = object(
        app(cluster, 'istio-ingressgateway').objects,
        'Service',
        'istio-ingressgateway',
      );
      gateway.metadata.annotations = {
        ...gateway.metadata.annotations,
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      };
      return cluster;
    },
    /carries the AWS load balancer annotation service\.beta\.kubernetes\.io\/aws-load-balancer-type, which Azure's load balancer controller ignores/,
    'Service/istio-ingress/istio-ingressgateway',
  );
  rejects(
    'cloud-configuration',
    'an EBS StorageClass on GKE',
    () => {
      const cluster = copy('gcp-dr');
      (object(platform(cluster), 'StorageClass', 'fediflow-data') as any).provisioner =
        'ebs.csi.aws.com';
      return cluster;
    },
    /provisions with ebs\.csi\.aws\.com, which Google Cloud does not run/,
  );
  rejects(
    'controllers-present',
    'External Secrets on AKS without the federated credential Terraform makes',
    () => {
      const cluster = copy('azure-secondary');
      cluster.terraform.workloadIdentities.delete('external-secrets/external-secrets');
      return cluster;
    },
    /external-secrets\/external-secrets calls Azure but Terraform gives it no federated identity credential/,
  );
  rejects(
    'controllers-present',
    'External Secrets on AKS without the client-id annotation',
    () => {
      const cluster = copy('azure-secondary');
      delete (app(cluster, 'external-secrets').values as any).serviceAccount.annotations;
      return cluster;
    },
    /has no azure\.workload\.identity\/client-id annotation/,
  );
  rejects(
    'controllers-present',
    'cert-manager on AKS without the pod label the identity webhook needs',
    () => {
      const cluster = copy('azure-secondary');
      delete (app(cluster, 'cert-manager').values as any).podLabels;
      return cluster;
    },
    /cert-manager\/cert-manager calls Azure but its pods lack the label azure\.workload\.identity\/use/,
  );
  rejects(
    'controllers-present',
    'External Secrets on GKE annotated with a Google service account Terraform does not bind',
    () => {
      const cluster = copy('gcp-dr');
      (app(cluster, 'external-secrets').values as any).serviceAccount.annotations[
        'iam.gke.io/gcp-service-account'
      ] = 'eso@other-project.iam.gserviceaccount.com';
      return cluster;
    },
    /calls Google Cloud as eso@other-project\.iam\.gserviceaccount\.com, but Terraform binds it to fediflow-gcp-dr-eso@fediflow-dr/,
  );
  rejects(
    'controllers-present',
    "HPAs on AKS when the platform's metrics API is not there",
    () => {
      const cluster = copy('azure-secondary');
      cluster.terraform.platform.delete('metrics-api');
      return cluster;
    },
    /metrics\.k8s\.io/,
  );
  rejects(
    'controllers-present',
    'NetworkPolicies on GKE without Dataplane V2',
    () => {
      const cluster = copy('gcp-dr');
      return { ...cluster, terraform: { ...cluster.terraform, networkPolicyEnforced: false } };
    },
    /ADVANCED_DATAPATH/,
  );
  rejects(
    'controllers-present',
    'the gateway on a kubeadm edge cluster, which makes no load balancers',
    () => {
      const cluster = copy('edge');
      cluster.terraform.platform.delete('load-balancer');
      return cluster;
    },
    /nothing under the cluster makes load balancers/,
    'Service/istio-ingress/istio-ingressgateway',
  );
  rejects(
    'controllers-present',
    "the edge database's Cluster without the CloudNativePG operator",
    () => without(copy('edge'), 'cloudnative-pg'),
    /no add-on in the cluster installs the CRD for postgresql\.cnpg\.io\/Cluster/,
  );
  rejects(
    'capacity',
    'the edge profile on a 2 vCPU / 4 GiB machine',
    () => {
      const cluster = copy('edge');
      cluster.terraform.nodeGroup = {
        ...cluster.terraform.nodeGroup,
        instanceTypes: ['onprem-2x4096-110'],
      };
      return cluster;
    },
    /need 2 onprem-2x4096-110 nodes; the node group starts with 1 and no autoscaler/,
  );
  rejects(
    'capacity',
    'an AKS pool whose autoscaling Terraform turned off',
    () => {
      const cluster = copy('azure-secondary');
      cluster.terraform.platform.delete('node-autoscaler');
      cluster.terraform.nodeGroup = { ...cluster.terraform.nodeGroup, desiredSize: 1 };
      return cluster;
    },
    /the node group starts with 1 and no autoscaler adds nodes/,
  );
  rejects(
    'appproject-permissions',
    'the edge environment outside the fediflow project',
    () => {
      const cluster = copy('edge');
      const project = cluster.root.find(
        (candidate) => candidate.kind === 'AppProject' && candidate.metadata.name === 'fediflow',
      ) as K8sObject & { spec: any };
      project.spec.destinations = project.spec.destinations.filter(
        (destination: { namespace: string }) => destination.namespace !== 'fediflow-edge',
      );
      return cluster;
    },
    /destination namespace fediflow-edge/,
  );
  it('every first-sync rule has a rejecting fixture above', () => {
    expect(FIRST_SYNC_RULES.map((rule) => rule.id).filter((id) => !tested.has(id))).toEqual([]);
  });
});

describe('admission follows the Pod Security Standards and Istio injection', () => {
  const restrictedPod = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  };
  const app = {
    name: 'app',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };

  it('admits a restricted pod with the CNI-mode sidecar and istio-validation', () => {
    const { init, sidecar } = injectedContainers({ injector: true, cni: true });
    expect(podSecurityViolations(restrictedPod, [app, init, sidecar], 'restricted')).toEqual([]);
  });

  it('rejects istio-init at baseline (NET_ADMIN/NET_RAW), as Istio documents', () => {
    const { init } = injectedContainers({ injector: true, cni: false });
    expect(podSecurityViolations(restrictedPod, [app, init], 'baseline')).toEqual([
      'istio-init: adds capabilities NET_ADMIN, NET_RAW (not allowed by baseline)',
    ]);
    expect(podSecurityViolations(restrictedPod, [app, init], 'privileged')).toEqual([]);
  });

  it('requires seccomp, non-root, no escalation and dropping ALL at restricted only', () => {
    const loose = { name: 'loose', securityContext: {} };
    expect(podSecurityViolations({}, [loose], 'baseline')).toEqual([]);
    expect(podSecurityViolations({}, [loose], 'restricted')).toEqual([
      'loose: allowPrivilegeEscalation is not false',
      'loose: runAsNonRoot is not true',
      'loose: seccompProfile is not RuntimeDefault or Localhost',
      'loose: does not drop ALL capabilities',
    ]);
  });

  it('rejects hostPath and host namespaces from baseline up', () => {
    expect(
      podSecurityViolations(
        { hostNetwork: true, volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] },
        [],
        'baseline',
      ),
    ).toEqual(['host namespaces (hostNetwork/hostPID/hostIPC)', 'volume logs is a hostPath']);
  });
});

describe('tools/first-sync.ts', () => {
  const cli = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'tools/first-sync.ts'), ...args],
      { cwd: repoRoot, encoding: 'utf8' },
    );
  it('prints help with the rules and exits 0', () => {
    const result = cli('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Exit codes: 0');
    for (const rule of FIRST_SYNC_RULES) expect(result.stdout).toContain(rule.id);
  });
  it('exits 2 on an unknown option or cluster', () => {
    expect(cli('--bogus').status).toBe(2);
    const result = cli('--cluster', 'nowhere');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no cluster nowhere');
  });
});
