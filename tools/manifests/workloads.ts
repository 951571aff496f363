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
export function podOwners(objects: readonly K8sObject[]): PodOwner[] {
  const owners: PodOwner[] = [];
  for (const object of objects) {
    if (!POD_TEMPLATE_KINDS.has(object.kind)) continue;
    const template = (
      object['spec'] as {
        template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
      }
    )?.template;
    if (!template?.spec) continue;
    owners.push({
      object,
      spec: template.spec,
      labels: template.metadata?.labels ?? {},
      path: 'spec.template.spec',
    });
  }
  return owners;
}

/** Long-running workloads (not Jobs), the ones that need probes, PDBs and autoscaling. */
export const isService = (owner: PodOwner) => owner.object.kind !== 'Job';

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
