/**
 * Every kind has its CRD and controller among the cluster's add-ons, installed in an earlier sync
 * wave of the root app (which only waits for an earlier wave when Argo CD assesses Application
 * health: the check it dropped in 1.8 must be configured); every controller the manifests rely on
 * is present (load balancers, resource metrics, NetworkPolicy enforcement, a log store); charts are
 * versions the catalog models and get the values they cannot start without. A controller is
 * present when an add-on brings it or the platform runs it (AKS and GKE serve the metrics API and
 * autoscale their pools; k3s runs metrics-server); add-ons calling their cloud have its workload
 * identity (cloud-identity.ts).
 */
import { chartFor, get, type Capability } from '../addon-catalog.ts';
import { groupOf, placeAll, placedRef } from '../inventory.ts';
import { appSources, appSpec } from '../load.ts';
import type { AppDeployment, ClusterModel, SyncRule } from '../types.ts';
import { identityProblems } from './cloud-identity.ts';

/** API groups the Kubernetes API server serves itself. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'apiextensions.k8s.io',
  'admissionregistration.k8s.io',
  'apiregistration.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'certificates.k8s.io',
]);
/** Argo CD (installed by Terraform before anything syncs) serves these. */
const ARGOCD_KINDS = new Set([
  'argoproj.io/Application',
  'argoproj.io/AppProject',
  'argoproj.io/ApplicationSet',
]);

type Problem = { object: string; message: string };

/** What enforces NetworkPolicies on each platform, for the finding when nothing does. */
const NETWORK_POLICY_ENGINE: Record<ClusterModel['terraform']['cloud'], string> = {
  aws: 'the vpc-cni add-on needs enableNetworkPolicy (terraform/modules/eks)',
  azure: 'AKS needs network_policy cilium, azure or calico (terraform/modules/azure-aks)',
  gcp: 'GKE needs datapath_provider ADVANCED_DATAPATH (terraform/modules/gcp-gke)',
  onprem: "k3s enforces them with its embedded controller; cluster.yaml's distribution is not k3s",
};

function providers(cluster: ClusterModel): Map<string, AppDeployment> {
  const out = new Map<string, AppDeployment>();
  for (const app of cluster.apps)
    for (const crd of app.chart?.crds ?? []) out.set(`${crd.group}/${crd.kind}`, app);
  return out;
}

/** Whether an add-on or the platform under the cluster provides `wanted`. */
export const provides = (cluster: ClusterModel, wanted: Capability): boolean =>
  cluster.apps.some((app) => app.chart?.capabilities.includes(wanted)) ||
  (cluster.terraform.platform as ReadonlySet<string>).has(wanted);

export const controllersRule: SyncRule = {
  id: 'controllers-present',
  description:
    'every kind has its CRD from an earlier-wave add-on, every controller the manifests need exists (add-on or platform), charts are modelled, configured and have their cloud identity',
  check(cluster) {
    const problems: Problem[] = [];
    const crds = providers(cluster);
    const placed = placeAll(cluster);
    const usesWaves = new Set(cluster.apps.map((app) => app.wave)).size > 1;
    if (usesWaves && !cluster.terraform.applicationHealthCheck)
      problems.push({
        object: '-',
        message:
          "the root app orders Applications by sync wave, but Argo CD's argocd-cm lacks the argoproj.io/Application health check (terraform/modules/argocd-bootstrap): later waves would not wait",
      });

    for (const entry of placed) {
      if (!entry.app) continue;
      const group = groupOf(entry.object);
      const kind = `${group}/${entry.object.kind}`;
      if (BUILT_IN_GROUPS.has(group) || ARGOCD_KINDS.has(kind)) continue;
      const provider = crds.get(kind);
      if (!provider)
        problems.push({
          object: placedRef(entry),
          message: `no add-on in the cluster installs the CRD for ${kind}`,
        });
      else if (provider !== entry.app && provider.wave >= entry.app.wave)
        problems.push({
          object: placedRef(entry),
          message: `${kind} comes from ${provider.app.metadata.name} (wave ${provider.wave}), not before ${entry.app.app.metadata.name} (wave ${entry.app.wave})`,
        });
    }

    const need = (wanted: Capability, object: string, why: string) => {
      if (!provides(cluster, wanted))
        problems.push({ object, message: `${why}, but no add-on provides ${wanted}` });
    };
    for (const entry of placed) {
      const spec = (entry.object['spec'] ?? {}) as {
        type?: string;
        metrics?: Array<{ type: string }>;
      };
      const lbType =
        entry.object.metadata.annotations?.['service.beta.kubernetes.io/aws-load-balancer-type'];
      if (
        entry.object.kind === 'Service' &&
        spec.type === 'LoadBalancer' &&
        (lbType === 'external' || lbType === 'nlb-ip')
      )
        need(
          'load-balancer-controller',
          placedRef(entry),
          `aws-load-balancer-type: ${lbType} is served only by the AWS Load Balancer Controller`,
        );
      else if (
        entry.object.kind === 'Service' &&
        spec.type === 'LoadBalancer' &&
        !cluster.terraform.platform.has('load-balancer')
      )
        problems.push({
          object: placedRef(entry),
          message:
            'a LoadBalancer Service, but nothing under the cluster makes load balancers (a cloud controller, k3s ServiceLB): it would stay Pending',
        });
      if (
        entry.object.kind === 'HorizontalPodAutoscaler' &&
        (spec.metrics ?? []).some((metric) => metric.type === 'Resource')
      )
        need('metrics-api', placedRef(entry), 'Resource metrics come from the metrics.k8s.io API');
      if (entry.object.kind === 'NetworkPolicy' && !cluster.terraform.networkPolicyEnforced)
        problems.push({
          object: placedRef(entry),
          message: `nothing enforces NetworkPolicies: ${NETWORK_POLICY_ENGINE[cluster.terraform.cloud]}`,
        });
      if (entry.object.kind === 'Gateway' || entry.object.kind === 'Sidecar')
        need('istio-injection', placedRef(entry), 'Istio resources need istiod');
    }

    for (const app of cluster.apps) {
      const ref = `Application/${app.app.metadata.name}`;
      const source = appSources(app.app).find((candidate) => candidate.chart);
      if (!source) continue;
      const chart = chartFor(source.repoURL, source.chart!);
      if (!chart || !chart.versions.includes(source.targetRevision ?? '')) {
        problems.push({
          object: ref,
          message: `chart ${source.chart}@${source.targetRevision} from ${source.repoURL} is not in the add-on catalog (tools/manifests/first-sync/addon-catalog.ts): read its templates, then add it`,
        });
        continue;
      }
      for (const required of chart.requiredValues ?? [])
        if (get(app.values ?? {}, required, undefined) === undefined)
          problems.push({
            object: ref,
            message: `chart ${chart.chart} needs the value ${required}`,
          });
      for (const workload of chart.workloads(
        app.values ?? {},
        source.helm?.releaseName ?? app.app.metadata.name,
      ))
        for (const message of identityProblems(
          cluster,
          workload.namespace ?? appSpec(app.app).destination?.namespace,
          workload,
        ))
          problems.push({ object: ref, message });
      if (chart.chart === 'fluent-bit')
        problems.push(
          ...logStore(
            cluster,
            app,
            placed.map(
              (entry) => `${entry.object.kind}/${entry.namespace}/${entry.object.metadata.name}`,
            ),
          ),
        );
    }
    return problems;
  },
};

/** Fluent Bit's outputs must reach something that exists: a Service in the cluster or a Terraform log group. */
function logStore(cluster: ClusterModel, app: AppDeployment, objects: string[]): Problem[] {
  const ref = `Application/${app.app.metadata.name}`;
  const outputs = String(get(app.values ?? {}, 'config.outputs', ''));
  const problems: Problem[] = [];
  for (const block of outputs.split('[OUTPUT]').slice(1)) {
    const field = (name: string) =>
      new RegExp(`^\\s*${name}\\s+(.+)$`, 'mi').exec(block)?.[1]?.trim();
    const plugin = field('Name');
    const rendered = (text: string | undefined) =>
      (text ?? '').replace(/\{\{\s*\.Values\.([\w.]+)\s*\}\}/g, (_, path: string) =>
        String(get(app.values ?? {}, path, '')),
      );
    if (plugin === 'es' || plugin === 'opensearch') {
      const host = rendered(field('Host'));
      const match = /^([^.]+)\.([^.]+)\.svc(\.cluster\.local)?$/.exec(host);
      if (!match || !objects.includes(`Service/${match[2]}/${match[1]}`))
        problems.push({
          object: ref,
          message: `output ${plugin} ships to ${host}, which no Service in the cluster and nothing in Terraform provides`,
        });
    } else if (plugin === 'cloudwatch_logs') {
      const group = rendered(field('log_group_name'));
      if (!cluster.terraform.logGroups.has(group))
        problems.push({
          object: ref,
          message: `output cloudwatch_logs writes to log group ${group}, which Terraform does not create (it has ${[...cluster.terraform.logGroups].join(', ') || 'none'})`,
        });
    } else
      problems.push({ object: ref, message: `output ${plugin ?? '(unnamed)'} is not modelled` });
  }
  return problems;
}
