import { objectRef } from '../types.ts';
import {
  containerPath,
  fediflowService,
  isService,
  podOwners,
  type Container,
  type PodOwner,
  type Probe,
} from '../workloads.ts';
import type { Rule } from './rule.ts';

type Problem = { object: string; field: string; message: string };

const APP_UID = 1001;

export const podSecurityContext: Rule = {
  id: 'pod-security-context',
  description: `non-root uid/gid ${APP_UID}, read-only root filesystem with an emptyDir /tmp, no privilege escalation, ALL capabilities dropped, RuntimeDefault seccomp`,
  scope: 'workloads',
  check({ target }) {
    const problems: Problem[] = [];
    for (const owner of podOwners(target.objects)) {
      const object = objectRef(owner.object);
      const pod = owner.spec.securityContext ?? {};
      const podField = `${owner.path}.securityContext`;
      if (pod.runAsNonRoot !== true)
        problems.push({ object, field: `${podField}.runAsNonRoot`, message: 'must be true' });
      if (pod.runAsUser !== APP_UID)
        problems.push({ object, field: `${podField}.runAsUser`, message: `must be ${APP_UID}` });
      if (pod.runAsGroup !== APP_UID)
        problems.push({ object, field: `${podField}.runAsGroup`, message: `must be ${APP_UID}` });
      if (pod.seccompProfile?.type !== 'RuntimeDefault')
        problems.push({
          object,
          field: `${podField}.seccompProfile.type`,
          message: 'must be RuntimeDefault',
        });
      for (const container of [...owner.spec.containers, ...(owner.spec.initContainers ?? [])]) {
        const field = `${containerPath(owner, container)}.securityContext`;
        const context = container.securityContext ?? {};
        if (context.allowPrivilegeEscalation !== false)
          problems.push({
            object,
            field: `${field}.allowPrivilegeEscalation`,
            message: 'must be false',
          });
        if (context.readOnlyRootFilesystem !== true)
          problems.push({
            object,
            field: `${field}.readOnlyRootFilesystem`,
            message: 'must be true',
          });
        if (!context.capabilities?.drop?.includes('ALL'))
          problems.push({
            object,
            field: `${field}.capabilities.drop`,
            message: 'must include ALL',
          });
        if (context.capabilities?.add?.length)
          problems.push({ object, field: `${field}.capabilities.add`, message: 'must be empty' });
        if (context.runAsUser !== undefined && context.runAsUser !== APP_UID)
          problems.push({
            object,
            field: `${field}.runAsUser`,
            message: `must be ${APP_UID} when set`,
          });
        const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
        const volume = tmp && owner.spec.volumes?.find((candidate) => candidate.name === tmp.name);
        if (!volume?.emptyDir)
          problems.push({
            object,
            field: `${containerPath(owner, container)}.volumeMounts`,
            message: 'needs an emptyDir mounted at /tmp (the root filesystem is read-only)',
          });
      }
    }
    return problems;
  },
};

export const resources: Rule = {
  id: 'resources',
  description: 'every container has CPU and memory requests and limits',
  scope: 'workloads',
  check({ target }) {
    const problems: Problem[] = [];
    for (const owner of podOwners(target.objects)) {
      for (const container of owner.spec.containers) {
        for (const kind of ['requests', 'limits'] as const) {
          for (const resource of ['cpu', 'memory']) {
            if (!container.resources?.[kind]?.[resource])
              problems.push({
                object: objectRef(owner.object),
                field: `${containerPath(owner, container)}.resources.${kind}.${resource}`,
                message: 'must be set',
              });
          }
        }
      }
    }
    return problems;
  },
};

/** The application's real endpoints (apps/*: GET /health liveness, GET /ready readiness, port 3000). */
const HTTP_PORT = 3000;
const PROBES: Array<{ probe: 'startupProbe' | 'livenessProbe' | 'readinessProbe'; path: string }> =
  [
    { probe: 'startupProbe', path: '/health' },
    { probe: 'livenessProbe', path: '/health' },
    { probe: 'readinessProbe', path: '/ready' },
  ];

function probePort(container: Container, probe: Probe): number | undefined {
  const port = probe.httpGet?.port;
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

export const probes: Rule = {
  id: 'probes',
  description: `FediFlow services have startup and liveness probes on GET /health and readiness on GET /ready, port ${HTTP_PORT}`,
  scope: 'workloads',
  check({ target }) {
    const problems: Problem[] = [];
    for (const owner of podOwners(target.objects).filter(isService)) {
      for (const container of owner.spec.containers.filter((candidate) =>
        fediflowService(candidate.image),
      )) {
        for (const { probe, path } of PROBES) {
          const field = `${containerPath(owner, container)}.${probe}`;
          const spec = container[probe];
          if (!spec?.httpGet) {
            problems.push({
              object: objectRef(owner.object),
              field,
              message: `must be an httpGet probe on ${path}`,
            });
            continue;
          }
          if (spec.httpGet.path !== path)
            problems.push({
              object: objectRef(owner.object),
              field: `${field}.httpGet.path`,
              message: `must be ${path}, is ${spec.httpGet.path}`,
            });
          if (probePort(container, spec) !== HTTP_PORT)
            problems.push({
              object: objectRef(owner.object),
              field: `${field}.httpGet.port`,
              message: `must resolve to container port ${HTTP_PORT}`,
            });
        }
      }
    }
    return problems;
  },
};

export const gracefulShutdown: Rule = {
  id: 'graceful-shutdown',
  description:
    'services get a preStop pause and at least 30 s of termination grace (SHUTDOWN_GRACE_MS is 25 s)',
  scope: 'workloads',
  check({ target }) {
    const problems: Problem[] = [];
    for (const owner of podOwners(target.objects).filter(isService)) {
      const grace = owner.spec.terminationGracePeriodSeconds;
      if (grace === undefined || grace < 30)
        problems.push({
          object: objectRef(owner.object),
          field: `${owner.path}.terminationGracePeriodSeconds`,
          message: 'must be set to at least 30',
        });
      for (const container of owner.spec.containers) {
        if (!container.lifecycle?.preStop)
          problems.push({
            object: objectRef(owner.object),
            field: `${containerPath(owner, container)}.lifecycle.preStop`,
            message: 'must pause before SIGTERM',
          });
      }
    }
    return problems;
  },
};

export const topologySpread: Rule = {
  id: 'topology-spread',
  description: 'services spread their pods across zones',
  scope: 'workloads',
  check({ target }) {
    return podOwners(target.objects)
      .filter(isService)
      .filter(
        (owner: PodOwner) =>
          !owner.spec.topologySpreadConstraints?.some(
            (c) => c.topologyKey === 'topology.kubernetes.io/zone',
          ),
      )
      .map((owner) => ({
        object: objectRef(owner.object),
        field: `${owner.path}.topologySpreadConstraints`,
        message: 'needs a topology.kubernetes.io/zone constraint',
      }));
  },
};

const DIGEST = /@sha256:[0-9a-f]{64}$/;
/** The image workflow's immutable per-commit tag (tools/images/docker-build.ts). */
const COMMIT_TAG = /^[0-9a-f]{40}$/;

export const imagePinning: Rule = {
  id: 'image-pinning',
  description:
    'images carry a tag other than latest (or a digest); production images are pinned by digest or by a commit tag (whose digest the signature policy pins at admission)',
  scope: 'environment',
  check({ target }) {
    const problems: Problem[] = [];
    const production = target.objects.some(
      (object) =>
        object.kind === 'Namespace' && object.metadata.labels?.['environment'] === 'production',
    );
    for (const owner of podOwners(target.objects)) {
      for (const container of [...owner.spec.containers, ...(owner.spec.initContainers ?? [])]) {
        const image = container.image ?? '';
        const field = `${containerPath(owner, container)}.image`;
        const name = image.split('@')[0] ?? '';
        const tag =
          name.lastIndexOf(':') > name.lastIndexOf('/')
            ? name.slice(name.lastIndexOf(':') + 1)
            : undefined;
        if (!DIGEST.test(image) && (!tag || tag === 'latest'))
          problems.push({
            object: objectRef(owner.object),
            field,
            message: `${image || '(none)'} has no tag or digest, or uses latest`,
          });
        else if (tag === 'latest')
          problems.push({
            object: objectRef(owner.object),
            field,
            message: `${image} uses latest`,
          });
        else if (production && !DIGEST.test(image) && !COMMIT_TAG.test(tag ?? ''))
          problems.push({
            object: objectRef(owner.object),
            field,
            message: `${image} must be pinned by digest or commit tag in production`,
          });
      }
    }
    return problems;
  },
};
