/** A rendered Kubernetes object, as parsed from YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** What was rendered: an environment overlay, a component on top of the base, or Argo CD's tree. */
export type TargetKind = 'overlay' | 'component' | 'argocd';

export interface RenderedTarget {
  /** e.g. `overlay/production`, `component/mesh`, `argocd`. */
  readonly name: string;
  readonly kind: TargetKind;
  readonly objects: K8sObject[];
  readonly renderMs: number;
}

export interface Finding {
  readonly target: string;
  /** `Kind/name` of the offending object, or `-` when something is missing altogether. */
  readonly object: string;
  /** Dotted path inside the object, e.g. `spec.template.spec.containers[app].securityContext`. */
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

export const objectRef = (object: K8sObject): string => `${object.kind}/${object.metadata.name}`;
