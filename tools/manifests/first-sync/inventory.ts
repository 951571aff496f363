/** The objects of one cluster after the first sync, each with its namespace and Application. */
import type { K8sObject } from '../types.ts';
import { podTemplateOf, type Container, type PodSpec } from '../workloads.ts';
import { chartObjects, cpuOf, memoryOf, type AddonWorkload } from './addon-catalog.ts';
import { appSpec } from './load.ts';
import { SYSTEM_WORKLOADS } from './system-workloads.ts';
import type { AppDeployment, ClusterModel } from './types.ts';

/** Cluster-scoped kinds (everything else is namespaced), by `group/kind`. */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'networking.k8s.io/IngressClass',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass',
  'elbv2.k8s.aws/IngressClassParams',
  'postgresql.cnpg.io/ClusterImageCatalog',
  'external-secrets.io/ClusterSecretStore',
  'external-secrets.io/ClusterExternalSecret',
  'cert-manager.io/ClusterIssuer',
  'kyverno.io/ClusterPolicy',
  'argoproj.io/ClusterAnalysisTemplate',
]);

export const groupOf = (object: K8sObject): string =>
  object.apiVersion.includes('/') ? object.apiVersion.split('/')[0]! : '';
export const isClusterScoped = (object: K8sObject): boolean =>
  CLUSTER_SCOPED.has(`${groupOf(object)}/${object.kind}`);

export interface Placed {
  readonly object: K8sObject;
  /** Undefined for cluster-scoped objects. */
  readonly namespace: string | undefined;
  /** The Application that deploys it; undefined for what the platform or Terraform put there. */
  readonly app: AppDeployment | undefined;
}

export interface PodTemplate {
  readonly owner: Placed;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: PodSpec & {
    serviceAccountName?: string;
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
  };
  /** The catalog's description when the pod belongs to an add-on chart. */
  readonly addon: AddonWorkload | undefined;
}

export const placedRef = (placed: Placed): string =>
  `${placed.object.kind}/${placed.namespace ? `${placed.namespace}/` : ''}${placed.object.metadata.name}`;

export function placeAll(cluster: ClusterModel): Placed[] {
  const placed: Placed[] = [];
  for (const app of cluster.apps) {
    const destination = appSpec(app.app).destination?.namespace;
    for (const object of app.objects)
      placed.push({
        object,
        namespace: isClusterScoped(object)
          ? undefined
          : (object.metadata.namespace ?? destination ?? 'default'),
        app,
      });
  }
  for (const object of cluster.root)
    placed.push({
      object,
      namespace: isClusterScoped(object) ? undefined : (object.metadata.namespace ?? 'argocd'),
      app: undefined,
    });
  for (const object of chartObjects(SYSTEM_WORKLOADS[cluster.terraform.cloud], [], 'kube-system'))
    placed.push({ object, namespace: 'kube-system', app: undefined });
  for (const entry of [...placed])
    for (const object of operatorPods(entry))
      placed.push({ object, namespace: entry.namespace, app: entry.app });
  return placed;
}

/**
 * Stand-ins for the pods an operator creates from a custom resource, so that selectors and
 * capacity see them: a CloudNativePG Cluster runs `instances` pods labelled
 * cnpg.io/cluster=<name> (plus its inheritedMetadata labels) under a ServiceAccount named after
 * the Cluster, with the operator's default pod security context (non-root, RuntimeDefault seccomp).
 */
function operatorPods(entry: Placed): K8sObject[] {
  const { object } = entry;
  if (object.kind !== 'Cluster' || groupOf(object) !== 'postgresql.cnpg.io') return [];
  const spec = (object['spec'] ?? {}) as {
    instances?: number;
    resources?: { requests?: { cpu?: string; memory?: string } };
    inheritedMetadata?: { labels?: Record<string, string> };
  };
  const requests = spec.resources?.requests ?? {};
  return chartObjects(
    [
      {
        kind: 'StatefulSet',
        name: object.metadata.name,
        labels: {
          ...spec.inheritedMetadata?.labels,
          'cnpg.io/cluster': object.metadata.name,
          'cnpg.io/podRole': 'instance',
        },
        serviceAccount: object.metadata.name,
        replicas: spec.instances ?? 1,
        cpu: cpuOf(requests.cpu, 0),
        memory: memoryOf(requests.memory, 0),
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      },
    ],
    [],
    entry.namespace ?? 'default',
  );
}

export function podTemplates(placed: readonly Placed[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const entry of placed) {
    const template = podTemplateOf<PodTemplate['spec']>(entry.object)?.template;
    if (!template?.spec) continue;
    out.push({
      owner: entry,
      labels: template.metadata?.labels ?? {},
      annotations: template.metadata?.annotations ?? {},
      spec: template.spec,
      addon: entry.object['addon'] as AddonWorkload | undefined,
    });
  }
  return out;
}

/** Every namespace the cluster will have: declared, synced into, or made by EKS. */
export function namespaces(
  cluster: ClusterModel,
  placed: readonly Placed[],
): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'argocd'])
    out.set(name, {});
  for (const app of cluster.apps) {
    const spec = appSpec(app.app) as {
      destination?: { namespace?: string };
      syncPolicy?: { managedNamespaceMetadata?: { labels?: Record<string, string> } };
    };
    const name = spec.destination?.namespace;
    if (name && !out.has(name))
      out.set(name, spec.syncPolicy?.managedNamespaceMetadata?.labels ?? {});
  }
  for (const entry of placed) {
    if (entry.object.kind === 'Namespace')
      out.set(entry.object.metadata.name, entry.object.metadata.labels ?? {});
    else if (entry.namespace && !out.has(entry.namespace)) out.set(entry.namespace, {});
  }
  return new Map(
    [...out].map(([name, labels]) => [name, { 'kubernetes.io/metadata.name': name, ...labels }]),
  );
}

export type LabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
};

/** Kubernetes label-selector semantics; an empty selector matches everything. */
export function selects(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    const ok =
      expression.operator === 'In'
        ? value !== undefined && values.includes(value)
        : expression.operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : expression.operator === 'Exists'
            ? value !== undefined
            : expression.operator === 'DoesNotExist'
              ? value === undefined
              : false;
    if (!ok) return false;
  }
  return true;
}

export const allContainers = (spec: PodSpec): Container[] => [
  ...(spec.initContainers ?? []),
  ...spec.containers,
];
