/**
 * Argo CD AppProject semantics (argo-cd.readthedocs.io, "Projects" and "Project Specification"):
 * an Application in a namespace other than Argo CD's own needs the project's sourceNamespaces;
 * every source repository must match sourceRepos; every namespaced resource it deploys must land
 * in a (server, namespace) destination (globs, `!` denies); cluster-scoped resources must match
 * clusterResourceWhitelist (an empty whitelist denies all) and no clusterResourceBlacklist entry;
 * namespaced resources must not match namespaceResourceBlacklist and, when a
 * namespaceResourceWhitelist exists, must match it.
 */
import type { K8sObject } from '../../types.ts';
import { appSources, appSpec } from '../load.ts';
import { groupOf, isClusterScoped } from '../inventory.ts';
import type { SyncRule } from '../types.ts';

interface ProjectSpec {
  sourceRepos?: string[];
  sourceNamespaces?: string[];
  destinations?: Array<{ server?: string; name?: string; namespace?: string }>;
  clusterResourceWhitelist?: Array<{ group: string; kind: string }>;
  clusterResourceBlacklist?: Array<{ group: string; kind: string }>;
  namespaceResourceWhitelist?: Array<{ group: string; kind: string }>;
  namespaceResourceBlacklist?: Array<{ group: string; kind: string }>;
}

const CONTROL_PLANE_NAMESPACE = 'argocd';

/** Go filepath.Match-style glob (`*` within a segment is enough for these fields). */
export function glob(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

const matchesKind = (
  entries: Array<{ group: string; kind: string }> | undefined,
  group: string,
  kind: string,
) => (entries ?? []).some((entry) => glob(entry.group, group) && glob(entry.kind, kind));

function destinationAllowed(project: ProjectSpec, server: string, namespace: string): boolean {
  let allowed = false;
  for (const destination of project.destinations ?? []) {
    const serverOk = destination.server === undefined || glob(destination.server, server);
    const pattern = destination.namespace ?? '';
    if (pattern.startsWith('!')) {
      if (serverOk && glob(pattern.slice(1), namespace)) return false;
    } else if (serverOk && glob(pattern, namespace)) allowed = true;
  }
  return allowed;
}

export const projectRule: SyncRule = {
  id: 'appproject-permissions',
  description:
    "each Application's project allows its namespace, repositories, and every namespace and kind it deploys",
  check(cluster) {
    const projects = new Map(
      cluster.root
        .filter((object) => object.kind === 'AppProject')
        .map((object) => [object.metadata.name, (object['spec'] ?? {}) as ProjectSpec]),
    );
    const problems: Array<{ object: string; message: string }> = [];
    for (const deployment of cluster.apps) {
      const app = deployment.app;
      const ref = `Application/${app.metadata.name}`;
      const spec = appSpec(app);
      const projectName = spec.project ?? 'default';
      const project = projects.get(projectName);
      if (!project) {
        problems.push({
          object: ref,
          message: `project ${projectName} is not defined in the cluster's Argo CD tree`,
        });
        continue;
      }
      const appNamespace = app.metadata.namespace ?? CONTROL_PLANE_NAMESPACE;
      if (
        appNamespace !== CONTROL_PLANE_NAMESPACE &&
        !(project.sourceNamespaces ?? []).some((pattern) => glob(pattern, appNamespace))
      )
        problems.push({
          object: ref,
          message: `lives in ${appNamespace}, which project ${projectName}'s sourceNamespaces does not allow`,
        });
      for (const source of appSources(app))
        if (!(project.sourceRepos ?? []).some((pattern) => glob(pattern, source.repoURL)))
          problems.push({
            object: ref,
            message: `source ${source.repoURL} is not in project ${projectName}'s sourceRepos`,
          });
      const server = spec.destination?.server ?? '';
      const destinationNamespace = spec.destination?.namespace ?? '';
      const denied = new Set<string>();
      const check = (object: K8sObject) => {
        const group = groupOf(object);
        if (isClusterScoped(object)) {
          if (
            !matchesKind(project.clusterResourceWhitelist, group, object.kind) ||
            matchesKind(project.clusterResourceBlacklist, group, object.kind)
          )
            denied.add(
              `cluster-scoped ${group || 'core'}/${object.kind} is not in clusterResourceWhitelist`,
            );
          return;
        }
        const namespace = object.metadata.namespace ?? destinationNamespace;
        if (!destinationAllowed(project, server, namespace))
          denied.add(`namespace ${namespace} on ${server} is not a destination`);
        if (
          matchesKind(project.namespaceResourceBlacklist, group, object.kind) ||
          (project.namespaceResourceWhitelist &&
            !matchesKind(project.namespaceResourceWhitelist, group, object.kind))
        )
          denied.add(`${group || 'core'}/${object.kind} is not allowed in namespaces`);
      };
      if (!destinationAllowed(project, server, destinationNamespace))
        denied.add(
          `destination namespace ${destinationNamespace} on ${server} is not a destination`,
        );
      for (const object of deployment.objects.filter(
        (candidate) => !candidate['addon'] || candidate.kind !== 'ServiceAccount',
      ))
        check(object);
      // What a chart renders beyond the pods the catalog models: its cluster-scoped kinds and namespaces.
      for (const kind of deployment.chart?.clusterKinds ?? [])
        check({
          apiVersion: kind.group ? `${kind.group}/v1` : 'v1',
          kind: kind.kind,
          metadata: { name: deployment.chart!.chart },
        });
      for (const namespace of deployment.extraNamespaces)
        if (!destinationAllowed(project, server, namespace))
          denied.add(`the chart renders into ${namespace}, which is not a destination`);
      for (const reason of denied)
        problems.push({
          object: ref,
          message: `project ${projectName} denies the sync: ${reason}`,
        });
    }
    return problems;
  },
};
