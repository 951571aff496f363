/**
 * Hand-written shapes for custom resources whose @kubernetes-models packages are not installed
 * (`@kubernetes-models/argo-rollouts`, `@kubernetes-models/external-secrets`). Only the fields
 * FediFlow uses or may plausibly use are listed: the strict checker rejects anything else, checks
 * primitive types and required fields. Sources: Argo Rollouts v1.8 and External Secrets v1 CRDs.
 */
interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
}

interface AnalysisRunArgument {
  name: string;
  value?: string;
  valueFrom?: {
    podTemplateHashValue?: 'Latest' | 'Stable';
    fieldRef?: { fieldPath: string };
  };
}

interface RolloutAnalysis {
  templates: Array<{ templateName: string; clusterScope?: boolean }>;
  args?: AnalysisRunArgument[];
}

export interface Rollout {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Rollout';
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    revisionHistoryLimit?: number;
    minReadySeconds?: number;
    progressDeadlineSeconds?: number;
    selector: LabelSelector;
    workloadRef?: {
      apiVersion: string;
      kind: string;
      name: string;
      scaleDown?: 'never' | 'onsuccess' | 'progressively';
    };
    strategy: {
      blueGreen?: {
        activeService: string;
        previewService?: string;
        autoPromotionEnabled?: boolean;
        autoPromotionSeconds?: number;
        previewReplicaCount?: number;
        scaleDownDelaySeconds?: number;
        scaleDownDelayRevisionLimit?: number;
        abortScaleDownDelaySeconds?: number;
        prePromotionAnalysis?: RolloutAnalysis;
        postPromotionAnalysis?: RolloutAnalysis;
      };
    };
  };
}

export interface AnalysisTemplate {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'AnalysisTemplate';
  metadata: ObjectMeta;
  spec: {
    args?: Array<{ name: string; value?: string }>;
    metrics: Array<{
      name: string;
      interval?: string;
      initialDelay?: string;
      count?: number;
      failureLimit?: number;
      inconclusiveLimit?: number;
      consecutiveErrorLimit?: number;
      successCondition?: string;
      failureCondition?: string;
      provider: {
        prometheus?: { address: string; query: string; timeout?: number };
      };
    }>;
  };
}

export interface ExternalSecret {
  apiVersion: 'external-secrets.io/v1';
  kind: 'ExternalSecret';
  metadata: ObjectMeta;
  spec: {
    refreshInterval?: string;
    secretStoreRef: { name: string; kind: 'SecretStore' | 'ClusterSecretStore' };
    target: {
      name: string;
      creationPolicy?: 'Owner' | 'Orphan' | 'Merge' | 'None';
      deletionPolicy?: 'Delete' | 'Merge' | 'Retain';
    };
    data: Array<{
      secretKey: string;
      remoteRef: { key: string; property?: string; version?: string };
    }>;
  };
}

/** CloudNativePG v1.25 `Cluster` (deploy/components/in-cluster-data). */
export interface CnpgCluster {
  apiVersion: 'postgresql.cnpg.io/v1';
  kind: 'Cluster';
  metadata: ObjectMeta;
  spec: {
    instances: number;
    imageName?: string;
    primaryUpdateStrategy?: 'unsupervised' | 'supervised';
    /** Labels and annotations the operator puts on every object it creates (pods included). */
    inheritedMetadata?: {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    storage: { size: string; storageClass?: string };
    resources?: {
      requests?: { cpu?: string; memory?: string };
      limits?: { cpu?: string; memory?: string };
    };
    postgresql?: { parameters?: Record<string, string> };
    bootstrap?: {
      initdb?: { database?: string; owner?: string; secret?: { name: string } };
    };
  };
}

/** apiVersion/kind → the interface above that describes it. */
export interface CrdShapes {
  'argoproj.io/v1alpha1/Rollout': Rollout;
  'argoproj.io/v1alpha1/AnalysisTemplate': AnalysisTemplate;
  'external-secrets.io/v1/ExternalSecret': ExternalSecret;
  'postgresql.cnpg.io/v1/Cluster': CnpgCluster;
}

export const CRD_SHAPE_KEYS: ReadonlyArray<keyof CrdShapes> = [
  'argoproj.io/v1alpha1/Rollout',
  'argoproj.io/v1alpha1/AnalysisTemplate',
  'external-secrets.io/v1/ExternalSecret',
  'postgresql.cnpg.io/v1/Cluster',
];
