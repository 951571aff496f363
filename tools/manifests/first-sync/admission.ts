/**
 * Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards) as the
 * Pod Security admission controller enforces them, and the containers Istio's sidecar injector
 * adds to a pod (istio.io: "Install Istio with Pod Security Admission", "Istio CNI plugin").
 */
import type { Container } from '../workloads.ts';
import type { PodTemplate } from './inventory.ts';

export type Level = 'privileged' | 'baseline' | 'restricted';

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

type SecurityContext = NonNullable<Container['securityContext']> & {
  privileged?: boolean;
  runAsGroup?: number;
};
export type AdmittedContainer = Omit<Container, 'securityContext'> & {
  securityContext?: SecurityContext;
  ports?: Array<{ containerPort: number; hostPort?: number; name?: string }>;
};

export interface InjectionMode {
  /** istiod is installed (its mutating webhook injects). */
  readonly injector: boolean;
  /** The istio-cni node agent is installed and istiod is configured for it. */
  readonly cni: boolean;
}

const PROXY_CONTEXT: SecurityContext = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 1337,
  runAsGroup: 1337,
  capabilities: { drop: ['ALL'] },
};

/** Whether the injector mutates this pod: namespace label or pod label, pod opt-out wins. */
export function isInjected(
  template: PodTemplate,
  namespaceLabels: Record<string, string>,
  mode: InjectionMode,
): boolean {
  if (!mode.injector) return false;
  const podSetting =
    template.labels['sidecar.istio.io/inject'] ?? template.annotations['sidecar.istio.io/inject'];
  if (podSetting === 'false') return false;
  if (namespaceLabels['istio-injection'] === 'disabled') return false;
  return namespaceLabels['istio-injection'] === 'enabled' || podSetting === 'true';
}

/** The init container and sidecar the injector adds (istio-init without CNI, istio-validation with). */
export function injectedContainers(mode: InjectionMode): {
  init: AdmittedContainer;
  sidecar: AdmittedContainer;
} {
  const init: AdmittedContainer = mode.cni
    ? { name: 'istio-validation', securityContext: PROXY_CONTEXT }
    : {
        name: 'istio-init',
        securityContext: {
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: false,
          runAsNonRoot: false,
          runAsUser: 0,
          runAsGroup: 0,
          capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
        },
      };
  return {
    init,
    sidecar: {
      name: 'istio-proxy',
      securityContext: PROXY_CONTEXT,
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    },
  };
}

const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];
export const levelOf = (labels: Record<string, string>): Level => {
  const value = labels['pod-security.kubernetes.io/enforce'];
  return LEVELS.includes(value as Level) ? (value as Level) : 'privileged';
};

interface PodLevel {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    seccompProfile?: { type?: string };
  };
  volumes?: Array<Record<string, unknown> & { name: string }>;
}

/** Why the pod violates `level`, one line per violation; empty when admitted. */
export function podSecurityViolations(
  pod: PodLevel,
  containers: readonly AdmittedContainer[],
  level: Level,
): string[] {
  if (level === 'privileged') return [];
  const out: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC)
    out.push('host namespaces (hostNetwork/hostPID/hostIPC)');
  for (const volume of pod.volumes ?? []) {
    if ('hostPath' in volume) out.push(`volume ${volume.name} is a hostPath`);
    else if (level === 'restricted') {
      const type = Object.keys(volume).find((key) => key !== 'name');
      if (type && !RESTRICTED_VOLUMES.has(type))
        out.push(`volume ${volume.name} has restricted-disallowed type ${type}`);
    }
  }
  for (const container of containers) {
    const context = container.securityContext ?? {};
    const name = container.name;
    if (context.privileged) out.push(`${name}: privileged`);
    for (const port of container.ports ?? [])
      if (port.hostPort) out.push(`${name}: hostPort ${port.hostPort}`);
    const added = context.capabilities?.add ?? [];
    const beyondBaseline = added.filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (beyondBaseline.length)
      out.push(`${name}: adds capabilities ${beyondBaseline.join(', ')} (not allowed by baseline)`);
    if (level !== 'restricted') continue;
    if (context.allowPrivilegeEscalation !== false)
      out.push(`${name}: allowPrivilegeEscalation is not false`);
    const nonRoot = context.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
    if (nonRoot !== true) out.push(`${name}: runAsNonRoot is not true`);
    const user = context.runAsUser ?? pod.securityContext?.runAsUser;
    if (user === 0) out.push(`${name}: runAsUser is 0 (root)`);
    const seccomp = context.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      out.push(`${name}: seccompProfile is not RuntimeDefault or Localhost`);
    if (!(context.capabilities?.drop ?? []).includes('ALL'))
      out.push(`${name}: does not drop ALL capabilities`);
    const extra = added.filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length && !beyondBaseline.length)
      out.push(
        `${name}: adds capabilities ${extra.join(', ')} (restricted allows only NET_BIND_SERVICE)`,
      );
  }
  return out;
}
