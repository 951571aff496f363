import type { K8sObject } from '../types.ts';
import type { AddonChart } from './addon-catalog.ts';

/** Where a cluster runs: the cloud whose managed Kubernetes Terraform builds, or on premises. */
export type Cloud = 'aws' | 'azure' | 'gcp' | 'onprem';

/**
 * What the platform under the cluster provides itself (EKS, AKS, GKE, k3s), so that no add-on
 * has to: e.g. AKS and GKE serve the resource metrics API and autoscale their node pools.
 */
export type PlatformCapability =
  'metrics-api' | 'node-autoscaler' | 'log-shipping' | 'load-balancer';

/**
 * What Terraform builds for one cluster (terraform/environments/<cluster>); for an on-premises
 * cluster, whose machines Terraform does not build, the node facts come from its cluster.yaml.
 */
export interface TerraformFacts {
  readonly cloud: Cloud;
  /** The FediFlow environment the cluster runs (`workload_environment`, else `environment`). */
  readonly environment: string;
  /** Whether the cluster's database is a read replica (DR until promotion). */
  readonly databaseIsReplica: boolean;
  /**
   * The media bucket Terraform builds in the cluster's region (modules/media-storage), the one its
   * Pod Identity roles may use; `replicatedFrom` is the bucket S3 Cross-Region Replication copies
   * into it (modules/media-replication: DR), if any.
   */
  readonly media: { bucket: string; region: string; replicatedFrom?: string } | undefined;
  /** The argocd/clusters/<cluster> entry point its bootstrap Application syncs. */
  readonly bootstrapCluster: string | undefined;
  /** Whether argocd-cm carries Argo CD's documented health check for argoproj.io/Application. */
  readonly applicationHealthCheck: boolean;
  readonly nodeGroup: {
    readonly instanceTypes: readonly string[];
    readonly minSize: number;
    readonly desiredSize: number;
    readonly maxSize: number;
  };
  /** The CNI enforces NetworkPolicies (vpc-cni enableNetworkPolicy, Cilium, Dataplane V2, k3s). */
  readonly networkPolicyEnforced: boolean;
  /**
   * `namespace/serviceAccount` pairs the cloud lets act as a cloud identity: EKS Pod Identity
   * associations, AKS federated identity credentials, GKE workloadIdentityUser bindings. The value
   * is the identity a ServiceAccount must name (the Google service account's email on GKE; empty
   * where the ServiceAccount names none, as on EKS, or where it is known only after apply).
   */
  readonly workloadIdentities: ReadonlyMap<string, string>;
  /** CloudWatch log groups Terraform creates for the cluster. */
  readonly logGroups: ReadonlySet<string>;
  readonly platform: ReadonlySet<PlatformCapability>;
}

/** The service images: what the Dockerfile puts in them and which tags the pipeline pushes. */
export interface ImageFacts {
  /** e.g. `ghcr.io/fediflow` (the images workflow's IMAGE_REGISTRY for this repository). */
  readonly registry: string;
  readonly services: readonly string[];
  readonly workdir: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** Absolute paths of the executables the runtime stage provides (node, tini, sh). */
  readonly executables: ReadonlySet<string>;
  /** Files of /app per service (the webpack bundle's entry points). */
  readonly bundles: ReadonlyMap<string, ReadonlySet<string>>;
  /** Whether a tag is one the image workflow pushes (a commit of main, or a v* release tag). */
  isProducedTag(tag: string): boolean;
  /** What the workflow pushes, for messages. */
  readonly producedTags: string;
}

/** One Argo CD Application of a cluster and everything it puts into the cluster. */
export interface AppDeployment {
  readonly app: K8sObject;
  /** Sync wave of the Application inside the root app. */
  readonly wave: number;
  /** Rendered objects (kustomize paths) or the catalog's model of a chart's output. */
  readonly objects: K8sObject[];
  /** The chart model, for Helm add-ons. */
  readonly chart?: AddonChart;
  /** Merged Helm values (values file + valuesObject), for Helm add-ons. */
  readonly values?: Record<string, unknown>;
  /** Namespaces the chart writes besides its destination (e.g. kube-system). */
  readonly extraNamespaces: readonly string[];
}

export interface ClusterModel {
  readonly name: string;
  /** argocd/clusters/<cluster>/cluster.yaml's data: which cluster this says it is. */
  readonly declared: Readonly<Record<string, string>>;
  /** The root app's own objects (argocd/clusters/<cluster> rendered). */
  readonly root: K8sObject[];
  readonly apps: AppDeployment[];
  readonly terraform: TerraformFacts;
  readonly image: ImageFacts;
}

export interface SyncFinding {
  readonly cluster: string;
  readonly rule: string;
  /** `Kind/name` (with namespace where it helps) or `-`. */
  readonly object: string;
  readonly message: string;
}

export interface SyncRule {
  readonly id: string;
  readonly description: string;
  check(cluster: ClusterModel): Array<Omit<SyncFinding, 'cluster' | 'rule'>>;
}
