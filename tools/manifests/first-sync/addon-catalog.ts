/**
 * What each pinned add-on chart puts into a cluster, for the first-sync model. Helm cannot render
 * charts here (no helm binary, no network), so this is the chart output that matters to the
 * model, written down from each chart's templates and values at the listed versions: the CRDs it
 * installs, the cluster-scoped kinds and extra namespaces it renders (what the AppProject must
 * allow), its pods (labels, service account, replicas, requests, whether they need a privileged
 * namespace) and the controllers it brings. An Application pinning a version not listed here is a
 * finding: read the new chart, then add the version.
 */
import type { K8sObject } from '../types.ts';

export type Values = Record<string, unknown>;

/** Controllers the rest of the tree relies on, by what they do. */
export type Capability =
  | 'istio-injection'
  | 'istio-cni'
  | 'load-balancer-controller'
  | 'metrics-api'
  | 'node-autoscaler'
  | 'certificates'
  | 'secret-sync'
  | 'image-verification'
  | 'progressive-delivery'
  | 'monitoring'
  | 'log-shipping'
  | 'postgres-operator';

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface AddonWorkload {
  readonly kind: 'Deployment' | 'DaemonSet' | 'StatefulSet';
  readonly name: string;
  /** Defaults to the Application's destination namespace. */
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly serviceAccount: string;
  readonly replicas: number;
  /** Per pod, millicores and MiB (the chart defaults or the values). */
  readonly cpu: number;
  readonly memory: number;
  /** hostPath, hostNetwork or privileged containers: only a privileged namespace admits it. */
  readonly privileged?: boolean;
  /**
   * Calls its cloud's API (secret store, DNS, load balancers, logs): its service account needs the
   * cloud's workload identity (EKS Pod Identity, AKS federated credential, GKE binding).
   */
  readonly cloudIdentity?: boolean;
  /** Annotations and labels the chart's values put on its ServiceAccount and pods. */
  readonly serviceAccountAnnotations?: Record<string, string>;
  readonly serviceAccountLabels?: Record<string, string>;
  readonly podLabels?: Record<string, string>;
  /** The pod-level securityContext the chart or operator sets. */
  readonly podSecurityContext?: Record<string, unknown>;
  /** The pod carries an Istio sidecar (label sidecar.istio.io/inject or a gateway). */
  readonly injected?: boolean;
}

export interface AddonService {
  readonly name: string;
  readonly namespace?: string;
  readonly type: 'ClusterIP' | 'LoadBalancer';
  readonly selector: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export interface AddonChart {
  readonly chart: string;
  readonly repo: string;
  readonly versions: readonly string[];
  readonly crds: readonly GroupKind[];
  readonly clusterKinds: readonly GroupKind[];
  readonly capabilities: readonly Capability[];
  /** Values the chart fails to render (or the controller fails to start) without. */
  readonly requiredValues?: readonly string[];
  extraNamespaces?(values: Values): string[];
  workloads(values: Values, release: string): AddonWorkload[];
  services?(values: Values, release: string): AddonService[];
}

/** `get(values, 'a.b')`, or `fallback` when a segment is missing. */
export function get<T>(values: Values, path: string, fallback: T): T {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(key in node)) return fallback;
    node = (node as Record<string, unknown>)[key];
  }
  return (node ?? fallback) as T;
}

/**
 * A setting of the istiod chart: top-level, or under the legacy `pilot:` prefix, which the chart
 * copies to the top level (templates/zzy_descope_legacy.yaml), so `pilot.*` wins.
 */
export function pilotValue<T>(values: Values, path: string, fallback: T): T {
  return get(values, `pilot.${path}`, get(values, path, fallback));
}

/** Millicores of a CPU quantity (`250m`, `0.5`, 1), or `fallback`. */
export const cpuOf = (quantity: unknown, fallback: number): number => {
  if (typeof quantity === 'number') return quantity * 1000;
  if (typeof quantity !== 'string') return fallback;
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
};
/** MiB of a memory quantity (`512Mi`, `1Gi`), or `fallback`. */
export const memoryOf = (quantity: unknown, fallback: number): number => {
  if (typeof quantity !== 'string') return fallback;
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)?$/.exec(quantity);
  if (!match) return fallback;
  const value = Number(match[1]);
  return match[2]?.startsWith('G') ? value * 1024 : value;
};

/** The ServiceAccount annotations/labels and pod labels of charts that follow the common layout. */
const identityValues = (values: Values) => ({
  serviceAccountAnnotations: get<Record<string, string>>(values, 'serviceAccount.annotations', {}),
  serviceAccountLabels: get<Record<string, string>>(values, 'serviceAccount.labels', {}),
  podLabels: get<Record<string, string>>(values, 'podLabels', {}),
});

const gk = (group: string, ...kinds: string[]): GroupKind[] =>
  kinds.map((kind) => ({ group, kind }));
const CRD = gk('apiextensions.k8s.io', 'CustomResourceDefinition');
const RBAC = gk('rbac.authorization.k8s.io', 'ClusterRole', 'ClusterRoleBinding');
const WEBHOOKS = gk(
  'admissionregistration.k8s.io',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
);
const ISTIO = 'https://istio-release.storage.googleapis.com/charts';
const ISTIO_VERSIONS = ['1.28.0'];

export const ADDON_CHARTS: readonly AddonChart[] = [
  {
    chart: 'base',
    repo: ISTIO,
    versions: ISTIO_VERSIONS,
    crds: [
      ...gk(
        'networking.istio.io',
        'Gateway',
        'VirtualService',
        'DestinationRule',
        'ServiceEntry',
        'Sidecar',
        'WorkloadEntry',
        'WorkloadGroup',
        'ProxyConfig',
      ),
      ...gk(
        'security.istio.io',
        'AuthorizationPolicy',
        'PeerAuthentication',
        'RequestAuthentication',
      ),
      ...gk('telemetry.istio.io', 'Telemetry'),
      ...gk('extensions.istio.io', 'WasmPlugin'),
    ],
    clusterKinds: [...CRD, ...gk('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration')],
    capabilities: [],
    workloads: () => [],
  },
  {
    chart: 'cni',
    repo: ISTIO,
    versions: ISTIO_VERSIONS,
    crds: [],
    clusterKinds: [...RBAC],
    capabilities: ['istio-cni'],
    workloads: (values) => [
      {
        kind: 'DaemonSet',
        name: 'istio-cni-node',
        labels: { 'k8s-app': 'istio-cni-node' },
        serviceAccount: 'istio-cni',
        replicas: 1,
        cpu: cpuOf(get(values, 'cni.resources.requests.cpu', undefined), 100),
        memory: memoryOf(get(values, 'cni.resources.requests.memory', undefined), 100),
        privileged: true,
      },
    ],
  },
  {
    chart: 'istiod',
    repo: ISTIO,
    versions: ISTIO_VERSIONS,
    crds: [],
    clusterKinds: [...RBAC, ...WEBHOOKS],
    capabilities: ['istio-injection'],
    workloads: (values) => [
      {
        kind: 'Deployment',
        name: 'istiod',
        labels: { app: 'istiod', istio: 'pilot' },
        serviceAccount: 'istiod',
        replicas: pilotValue(values, 'autoscaleMin', 1),
        cpu: cpuOf(pilotValue(values, 'resources.requests.cpu', undefined), 500),
        memory: memoryOf(pilotValue(values, 'resources.requests.memory', undefined), 2048),
      },
    ],
    services: () => [
      { name: 'istiod', type: 'ClusterIP', selector: { app: 'istiod' }, annotations: {} },
    ],
  },
  {
    chart: 'gateway',
    repo: ISTIO,
    versions: ISTIO_VERSIONS,
    crds: [],
    clusterKinds: [],
    capabilities: [],
    workloads: (values, release) => [
      {
        kind: 'Deployment',
        name: release,
        labels: {
          app: release,
          istio: release.replace(/^istio-/, ''),
          ...get<Record<string, string>>(values, 'labels', {}),
        },
        serviceAccount: get(values, 'serviceAccount.name', '') || release,
        replicas: get(values, 'autoscaling.minReplicas', get(values, 'replicaCount', 1)),
        cpu: cpuOf(get(values, 'resources.requests.cpu', undefined), 100),
        memory: memoryOf(get(values, 'resources.requests.memory', undefined), 128),
        injected: true,
      },
    ],
    services: (values, release) => [
      {
        name: release,
        type: get(values, 'service.type', 'LoadBalancer'),
        selector: {
          app: release,
          istio: release.replace(/^istio-/, ''),
          ...get<Record<string, string>>(values, 'labels', {}),
        },
        annotations: get(values, 'service.annotations', {}),
      },
    ],
  },
  {
    chart: 'argo-rollouts',
    repo: 'https://argoproj.github.io/argo-helm',
    versions: ['2.40.5'],
    crds: gk(
      'argoproj.io',
      'Rollout',
      'AnalysisTemplate',
      'ClusterAnalysisTemplate',
      'AnalysisRun',
      'Experiment',
    ),
    clusterKinds: [...CRD, ...RBAC],
    capabilities: ['progressive-delivery'],
    workloads: (values) => [
      {
        kind: 'Deployment',
        name: 'argo-rollouts',
        labels: { 'app.kubernetes.io/name': 'argo-rollouts' },
        serviceAccount: 'argo-rollouts',
        replicas: get(values, 'controller.replicas', 1),
        cpu: cpuOf(get(values, 'controller.resources.requests.cpu', undefined), 0),
        memory: memoryOf(get(values, 'controller.resources.requests.memory', undefined), 0),
      },
    ],
  },
  {
    chart: 'external-secrets',
    repo: 'https://charts.external-secrets.io',
    versions: ['0.19.1'],
    crds: [
      ...gk(
        'external-secrets.io',
        'ExternalSecret',
        'SecretStore',
        'ClusterSecretStore',
        'ClusterExternalSecret',
        'PushSecret',
      ),
    ],
    clusterKinds: [
      ...CRD,
      ...RBAC,
      ...gk('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'),
    ],
    capabilities: ['secret-sync'],
    workloads: (values) => [
      {
        kind: 'Deployment',
        name: 'external-secrets',
        labels: { 'app.kubernetes.io/name': 'external-secrets' },
        serviceAccount: get(values, 'serviceAccount.name', 'external-secrets'),
        replicas: get(values, 'replicaCount', 1),
        cpu: 0,
        memory: 0,
        cloudIdentity: true,
        ...identityValues(values),
      },
      {
        kind: 'Deployment',
        name: 'external-secrets-webhook',
        labels: { 'app.kubernetes.io/name': 'external-secrets-webhook' },
        serviceAccount: 'external-secrets-webhook',
        replicas: 1,
        cpu: 0,
        memory: 0,
      },
    ],
  },
  {
    chart: 'kube-prometheus-stack',
    repo: 'https://prometheus-community.github.io/helm-charts',
    versions: ['91.5.0'],
    crds: gk(
      'monitoring.coreos.com',
      'ServiceMonitor',
      'PodMonitor',
      'PrometheusRule',
      'Prometheus',
      'PrometheusAgent',
      'Alertmanager',
      'AlertmanagerConfig',
      'Probe',
      'ScrapeConfig',
      'ThanosRuler',
    ),
    clusterKinds: [...CRD, ...RBAC, ...WEBHOOKS],
    capabilities: ['monitoring'],
    // The scrape Services for these components are rendered into kube-system.
    extraNamespaces: (values) =>
      ['coreDns', 'kubeProxy', 'kubeControllerManager', 'kubeScheduler', 'kubeEtcd'].some(
        (component) => get(values, `${component}.enabled`, true),
      )
        ? ['kube-system']
        : [],
    workloads: (values): AddonWorkload[] => [
      {
        kind: 'Deployment',
        name: 'kube-prometheus-stack-operator',
        labels: { app: 'kube-prometheus-stack-operator' },
        serviceAccount: 'kube-prometheus-stack-operator',
        replicas: 1,
        cpu: 0,
        memory: 0,
      },
      {
        kind: 'StatefulSet',
        name: 'prometheus-kube-prometheus-stack-prometheus',
        labels: {
          'app.kubernetes.io/name': 'prometheus',
          ...get<Record<string, string>>(
            values,
            'prometheus.prometheusSpec.podMetadata.labels',
            {},
          ),
        },
        serviceAccount: 'kube-prometheus-stack-prometheus',
        replicas: get(values, 'prometheus.prometheusSpec.replicas', 1),
        cpu: cpuOf(get(values, 'prometheus.prometheusSpec.resources.requests.cpu', undefined), 0),
        memory: memoryOf(
          get(values, 'prometheus.prometheusSpec.resources.requests.memory', undefined),
          0,
        ),
        injected:
          get(values, 'prometheus.prometheusSpec.podMetadata.labels', {} as Record<string, string>)[
            'sidecar.istio.io/inject'
          ] === 'true',
      },
      {
        kind: 'DaemonSet',
        name: 'kube-prometheus-stack-prometheus-node-exporter',
        labels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' },
        serviceAccount: 'kube-prometheus-stack-prometheus-node-exporter',
        replicas: 1,
        cpu: 0,
        memory: 0,
        privileged: true,
      },
    ],
  },
  {
    chart: 'fluent-bit',
    repo: 'https://fluent.github.io/helm-charts',
    versions: ['0.54.0'],
    crds: [],
    clusterKinds: [...RBAC],
    capabilities: ['log-shipping'],
    workloads: (values) => [
      {
        kind: 'DaemonSet',
        name: 'fluent-bit',
        labels: { 'app.kubernetes.io/name': 'fluent-bit' },
        serviceAccount: get(values, 'serviceAccount.name', 'fluent-bit'),
        replicas: 1,
        cpu: cpuOf(get(values, 'resources.requests.cpu', undefined), 0),
        memory: memoryOf(get(values, 'resources.requests.memory', undefined), 0),
        privileged: true,
        cloudIdentity: /Name\s+cloudwatch_logs/.test(get(values, 'config.outputs', '')),
      },
    ],
  },
  {
    chart: 'cert-manager',
    repo: 'https://charts.jetstack.io',
    versions: ['v1.19.1'],
    crds: [
      ...gk('cert-manager.io', 'Certificate', 'CertificateRequest', 'Issuer', 'ClusterIssuer'),
      ...gk('acme.cert-manager.io', 'Order', 'Challenge'),
    ],
    clusterKinds: [...CRD, ...RBAC, ...WEBHOOKS],
    capabilities: ['certificates'],
    // Its leader-election Role and RoleBinding go to global.leaderElection.namespace.
    extraNamespaces: (values) => [get(values, 'global.leaderElection.namespace', 'kube-system')],
    requiredValues: ['crds.enabled'],
    workloads: (values) => [
      {
        kind: 'Deployment',
        name: 'cert-manager',
        labels: { 'app.kubernetes.io/name': 'cert-manager' },
        serviceAccount: get(values, 'serviceAccount.name', 'cert-manager'),
        replicas: get(values, 'replicaCount', 1),
        cpu: 0,
        memory: 0,
        cloudIdentity: true,
        ...identityValues(values),
      },
      {
        kind: 'Deployment',
        name: 'cert-manager-webhook',
        labels: { 'app.kubernetes.io/name': 'webhook' },
        serviceAccount: 'cert-manager-webhook',
        replicas: 1,
        cpu: 0,
        memory: 0,
      },
    ],
  },
  {
    chart: 'aws-load-balancer-controller',
    repo: 'https://aws.github.io/eks-charts',
    versions: ['1.14.1'],
    crds: gk('elbv2.k8s.aws', 'TargetGroupBinding', 'IngressClassParams'),
    clusterKinds: [
      ...CRD,
      ...RBAC,
      ...WEBHOOKS,
      ...gk('networking.k8s.io', 'IngressClass'),
      ...gk('elbv2.k8s.aws', 'IngressClassParams'),
    ],
    capabilities: ['load-balancer-controller'],
    // Pods cannot reach IMDS (one hop), so the controller is told its cluster, region and VPC.
    requiredValues: ['clusterName', 'region', 'vpcTags.Name'],
    workloads: (values) => [
      {
        kind: 'Deployment',
        name: 'aws-load-balancer-controller',
        labels: { 'app.kubernetes.io/name': 'aws-load-balancer-controller' },
        serviceAccount: get(values, 'serviceAccount.name', 'aws-load-balancer-controller'),
        replicas: get(values, 'replicaCount', 2),
        cpu: 0,
        memory: 0,
        cloudIdentity: true,
      },
    ],
  },
  {
    chart: 'metrics-server',
    repo: 'https://kubernetes-sigs.github.io/metrics-server',
    versions: ['3.13.0'],
    crds: [],
    clusterKinds: [...RBAC, ...gk('apiregistration.k8s.io', 'APIService')],
    capabilities: ['metrics-api'],
    workloads: (values) => [
      {
        kind: 'Deployment',
        name: 'metrics-server',
        labels: { 'app.kubernetes.io/name': 'metrics-server' },
        serviceAccount: 'metrics-server',
        replicas: get(values, 'replicas', 1),
        cpu: cpuOf(get(values, 'resources.requests.cpu', undefined), 100),
        memory: memoryOf(get(values, 'resources.requests.memory', undefined), 200),
      },
    ],
  },
  {
    chart: 'cluster-autoscaler',
    repo: 'https://kubernetes.github.io/autoscaler',
    versions: ['9.52.1'],
    crds: [],
    clusterKinds: [...RBAC],
    capabilities: ['node-autoscaler'],
    requiredValues: ['autoDiscovery.clusterName', 'awsRegion'],
    workloads: (values) => [
      {
        kind: 'Deployment',
        name: 'cluster-autoscaler',
        labels: { 'app.kubernetes.io/name': 'aws-cluster-autoscaler' },
        serviceAccount: get(values, 'rbac.serviceAccount.name', 'cluster-autoscaler'),
        replicas: get(values, 'replicaCount', 1),
        cpu: cpuOf(get(values, 'resources.requests.cpu', undefined), 0),
        memory: memoryOf(get(values, 'resources.requests.memory', undefined), 0),
        cloudIdentity: true,
      },
    ],
  },
  {
    chart: 'kyverno',
    repo: 'https://kyverno.github.io/kyverno',
    versions: ['3.5.2'],
    crds: [
      ...gk('kyverno.io', 'ClusterPolicy', 'Policy', 'PolicyException', 'UpdateRequest'),
      ...gk('policies.kyverno.io', 'ValidatingPolicy', 'ImageValidatingPolicy'),
    ],
    clusterKinds: [...CRD, ...RBAC, ...WEBHOOKS, ...gk('kyverno.io', 'ClusterPolicy')],
    capabilities: ['image-verification'],
    workloads: (values) => [
      {
        kind: 'Deployment',
        name: 'kyverno-admission-controller',
        labels: { 'app.kubernetes.io/component': 'admission-controller' },
        serviceAccount: 'kyverno-admission-controller',
        replicas: get(values, 'admissionController.replicas', 1),
        cpu: 100,
        memory: 128,
      },
    ],
  },
  {
    chart: 'cloudnative-pg',
    repo: 'https://cloudnative-pg.github.io/charts',
    versions: ['0.26.1'],
    crds: gk(
      'postgresql.cnpg.io',
      'Cluster',
      'Backup',
      'ScheduledBackup',
      'Pooler',
      'ImageCatalog',
      'ClusterImageCatalog',
      'Database',
      'Publication',
      'Subscription',
      'FailoverQuorum',
    ),
    clusterKinds: [
      ...CRD,
      ...RBAC,
      ...WEBHOOKS,
      ...gk('postgresql.cnpg.io', 'ClusterImageCatalog'),
    ],
    capabilities: ['postgres-operator'],
    requiredValues: ['crds.create'],
    workloads: (values, release) => [
      {
        kind: 'Deployment',
        name: `${release}-cloudnative-pg`,
        labels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
        serviceAccount: `${release}-cloudnative-pg`,
        replicas: get(values, 'replicaCount', 1),
        cpu: cpuOf(get(values, 'resources.requests.cpu', undefined), 0),
        memory: memoryOf(get(values, 'resources.requests.memory', undefined), 0),
      },
    ],
  },
];

/** The chart an Application installs, if the catalog knows it at that version. */
export function chartFor(repo: string, chart: string): AddonChart | undefined {
  return ADDON_CHARTS.find((entry) => entry.repo === repo && entry.chart === chart);
}

/** Objects standing in for a chart's pods and Services, so references can resolve against them. */
export function chartObjects(
  workloads: readonly AddonWorkload[],
  services: readonly AddonService[],
  namespace: string,
): K8sObject[] {
  return [
    ...workloads.map((workload): K8sObject => ({
      apiVersion: 'apps/v1',
      kind: workload.kind,
      metadata: { name: workload.name, namespace: workload.namespace ?? namespace },
      spec: {
        replicas: workload.replicas,
        template: {
          metadata: { labels: { ...workload.podLabels, ...workload.labels } },
          spec: {
            serviceAccountName: workload.serviceAccount,
            containers: [],
            ...(workload.podSecurityContext
              ? { securityContext: workload.podSecurityContext }
              : {}),
          },
        },
      },
      addon: workload,
    })),
    ...workloads.map((workload): K8sObject => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: workload.serviceAccount,
        namespace: workload.namespace ?? namespace,
        annotations: workload.serviceAccountAnnotations ?? {},
        labels: workload.serviceAccountLabels ?? {},
      },
    })),
    ...services.map((service): K8sObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: service.name,
        namespace: service.namespace ?? namespace,
        annotations: service.annotations,
      },
      spec: { type: service.type, selector: service.selector },
    })),
  ];
}
