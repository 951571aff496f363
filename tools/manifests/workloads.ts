import type { K8sObject } from './types.ts';

/* Typed views of the parts of pod-bearing objects the rules read. */
export interface Probe {
  httpGet?: { path?: string; port?: string | number };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: unknown;
  };
}
export interface Container {
  name: string;
  image?: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{
    configMapRef?: { name: string };
    secretRef?: { name: string };
    prefix?: string;
  }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: unknown } };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
  };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    fsGroup?: number;
    seccompProfile?: { type?: string };
  };
  topologySpreadConstraints?: Array<{ topologyKey: string }>;
  volumes?: Array<{ name: string; emptyDir?: unknown }>;
}

export interface PodOwner {
  readonly object: K8sObject;
  readonly spec: PodSpec;
  readonly labels: Record<string, string>;
  /** Field path of the pod spec inside the object. */
  readonly path: string;
}

const POD_TEMPLATE_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'Rollout',
  'ReplicaSet',
]);

/** Objects that carry a pod template (a Rollout with `workloadRef` has none of its own). */
interface PodTemplateHolder<S> {
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: S;
  };
}

/**
 * The pod template of a workload object and its field path: `spec.template`, or a CronJob's
 * `spec.jobTemplate.spec.template`; undefined for other kinds.
 */
export function podTemplateOf<S = PodSpec>(
  object: K8sObject,
): { template: NonNullable<PodTemplateHolder<S>['template']>; path: string } | undefined {
  const spec = object['spec'] as
    (PodTemplateHolder<S> & { jobTemplate?: { spec?: PodTemplateHolder<S> } }) | undefined;
  if (object.kind === 'CronJob') {
    const template = spec?.jobTemplate?.spec?.template;
    return template ? { template, path: 'spec.jobTemplate.spec.template' } : undefined;
  }
  if (!POD_TEMPLATE_KINDS.has(object.kind) || !spec?.template) return undefined;
  return { template: spec.template, path: 'spec.template' };
}

export function podOwners(objects: readonly K8sObject[]): PodOwner[] {
  const owners: PodOwner[] = [];
  for (const object of objects) {
    const found = podTemplateOf(object);
    if (!found?.template.spec) continue;
    owners.push({
      object,
      spec: found.template.spec,
      labels: found.template.metadata?.labels ?? {},
      path: `${found.path}.spec`,
    });
  }
  return owners;
}

/** Long-running workloads (not Jobs), the ones that need probes, PDBs and autoscaling. */
export const isService = (owner: PodOwner) =>
  owner.object.kind !== 'Job' && owner.object.kind !== 'CronJob';

const IMAGE = /^ghcr\.io\/fediflow\/([a-z][a-z0-9-]*)(?=[:@]|$)/;

/** `api` for `ghcr.io/fediflow/api:1.2.3`; undefined for images that are not FediFlow services. */
export function fediflowService(image: string | undefined): string | undefined {
  return image ? IMAGE.exec(image)?.[1] : undefined;
}

export const containerPath = (owner: PodOwner, container: Container) =>
  `${owner.path}.containers[${container.name}]`;

export function selectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

export function byKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export const specOf = <T>(object: K8sObject): T => (object['spec'] ?? {}) as T;
