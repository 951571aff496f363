/**
 * The minimum replicas of everything the first sync starts fit on the node group Terraform
 * creates, or a node autoscaler exists and they fit within the group's maximum. Allocatable
 * capacity follows the EKS AMI's kube-reserved formula (CPU: 6 % of the first core, 1 % of the
 * second, 0.5 % of the next two; memory: 255 MiB + 11 MiB per pod, plus 100 MiB eviction).
 */
import { namespaces, placeAll, podTemplates, type PodTemplate } from '../inventory.ts';
import { injectionMode } from './admission-rule.ts';
import { isInjected } from '../admission.ts';
import type { ClusterModel, SyncRule } from '../types.ts';

const INSTANCES: Record<string, { vcpu: number; memoryMiB: number; maxPods: number }> = {
  't3.medium': { vcpu: 2, memoryMiB: 4096, maxPods: 17 },
  't3.large': { vcpu: 2, memoryMiB: 8192, maxPods: 35 },
  't3.xlarge': { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
  'm7i.large': { vcpu: 2, memoryMiB: 8192, maxPods: 29 },
  'm7i.xlarge': { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
};

export function allocatable(
  type: string,
): { cpu: number; memory: number; pods: number } | undefined {
  const instance = INSTANCES[type];
  if (!instance) return undefined;
  const cores = instance.vcpu;
  const reserved =
    60 +
    (cores > 1 ? 10 : 0) +
    Math.min(Math.max(cores - 2, 0), 2) * 5 +
    Math.max(cores - 4, 0) * 2.5;
  return {
    cpu: cores * 1000 - reserved,
    memory: instance.memoryMiB - (255 + 11 * instance.maxPods) - 100,
    pods: instance.maxPods,
  };
}

const cpu = (value: string | undefined) =>
  !value ? 0 : value.endsWith('m') ? Number(value.slice(0, -1)) : Number(value) * 1000;
const mem = (value: string | undefined) => {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)?$/.exec(value ?? '');
  if (!match) return 0;
  const n = Number(match[1]);
  return match[2] === 'Gi'
    ? n * 1024
    : match[2] === 'Ki'
      ? n / 1024
      : match[2] === 'Mi'
        ? n
        : n / 1048576;
};

interface Pod {
  name: string;
  cpu: number;
  memory: number;
}

/** The pods the first sync starts, at minimum replicas, and the per-node DaemonSet overhead. */
export function demand(cluster: ClusterModel): { pods: Pod[]; perNode: Pod[] } {
  const placed = placeAll(cluster);
  const levels = namespaces(cluster, placed);
  const mode = injectionMode(cluster);
  const proxy = { cpu: 100, memory: 128 };
  const templates = podTemplates(placed);
  const hpas = placed.filter((entry) => entry.object.kind === 'HorizontalPodAutoscaler');
  const rollouts = placed.filter((entry) => entry.object.kind === 'Rollout');
  const refOf = (entry: {
    object: { kind: string; metadata: { name: string } };
    namespace?: string | undefined;
  }) => `${entry.namespace}/${entry.object.kind}/${entry.object.metadata.name}`;
  const minReplicas = (
    kind: string,
    name: string,
    namespace: string | undefined,
    fallback: number,
  ) => {
    const hpa = hpas.find(
      (entry) =>
        entry.namespace === namespace &&
        (entry.object['spec'] as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef
          .kind === kind &&
        (entry.object['spec'] as { scaleTargetRef: { name: string } }).scaleTargetRef.name === name,
    );
    return hpa ? ((hpa.object['spec'] as { minReplicas?: number }).minReplicas ?? 1) : fallback;
  };
  const podOf = (template: PodTemplate): Pod => {
    if (template.addon)
      return { name: template.addon.name, cpu: template.addon.cpu, memory: template.addon.memory };
    const containers = template.spec.containers;
    const injected = isInjected(template, levels.get(template.owner.namespace ?? '') ?? {}, mode);
    return {
      name: template.owner.object.metadata.name,
      cpu:
        containers.reduce((sum, c) => sum + cpu(c.resources?.requests?.['cpu']), 0) +
        (injected ? proxy.cpu : 0),
      memory:
        containers.reduce((sum, c) => sum + mem(c.resources?.requests?.['memory']), 0) +
        (injected ? proxy.memory : 0),
    };
  };
  const pods: Pod[] = [];
  const perNode: Pod[] = [];
  for (const template of templates) {
    const { object, namespace } = template.owner;
    const spec = (object['spec'] ?? {}) as { replicas?: number };
    const pod = podOf(template);
    if (object.kind === 'DaemonSet') {
      perNode.push(pod);
      continue;
    }
    let replicas = minReplicas(object.kind, object.metadata.name, namespace, spec.replicas ?? 1);
    const owningRollout = rollouts.find(
      (rollout) =>
        rollout.namespace === namespace &&
        (
          rollout.object['spec'] as {
            workloadRef?: { kind: string; name: string; scaleDown?: string };
          }
        ).workloadRef?.name === object.metadata.name,
    );
    if (owningRollout) {
      const workloadRef = (owningRollout.object['spec'] as { workloadRef: { scaleDown?: string } })
        .workloadRef;
      const rolloutReplicas = minReplicas(
        'Rollout',
        owningRollout.object.metadata.name,
        namespace,
        (owningRollout.object['spec'] as { replicas?: number }).replicas ?? 1,
      );
      for (let i = 0; i < rolloutReplicas; i++)
        pods.push({ ...pod, name: `${refOf(owningRollout)}` });
      if (workloadRef.scaleDown && workloadRef.scaleDown !== 'never') replicas = 0;
    }
    for (let i = 0; i < replicas; i++) pods.push({ ...pod, name: refOf(template.owner) });
  }
  return { pods, perNode };
}

/** Nodes needed for `pods` (first fit, largest first), or undefined when one pod fits no node. */
export function nodesNeeded(pods: Pod[], perNode: Pod[], type: string): number | undefined {
  const node = allocatable(type);
  if (!node) return undefined;
  const free = {
    cpu: node.cpu - perNode.reduce((s, p) => s + p.cpu, 0),
    memory: node.memory - perNode.reduce((s, p) => s + p.memory, 0),
    pods: node.pods - perNode.length,
  };
  const bins: Array<{ cpu: number; memory: number; pods: number }> = [];
  for (const pod of [...pods].sort((a, b) => b.cpu - a.cpu || b.memory - a.memory)) {
    if (pod.cpu > free.cpu || pod.memory > free.memory) return undefined;
    let bin = bins.find(
      (candidate) =>
        candidate.cpu >= pod.cpu && candidate.memory >= pod.memory && candidate.pods >= 1,
    );
    if (!bin) {
      bin = { ...free };
      bins.push(bin);
    }
    bin.cpu -= pod.cpu;
    bin.memory -= pod.memory;
    bin.pods -= 1;
  }
  return Math.max(bins.length, 1);
}

export const capacityRule: SyncRule = {
  id: 'capacity',
  description:
    'minimum replicas (with sidecars, add-ons and DaemonSets) fit the node group, or an autoscaler can grow it within its maximum',
  check(cluster) {
    const { nodeGroup } = cluster.terraform;
    const type = nodeGroup.instanceTypes[0] ?? '';
    if (!allocatable(type))
      return [
        {
          object: '-',
          message: `instance type ${type} is not modelled (add it to the capacity table)`,
        },
      ];
    const { pods, perNode } = demand(cluster);
    const needed = nodesNeeded(pods, perNode, type);
    const total = pods.reduce((s, p) => s + p.cpu, 0);
    if (needed === undefined)
      return [{ object: '-', message: `a pod requests more than one ${type} can allocate` }];
    const autoscaler = cluster.apps.some((app) =>
      app.chart?.capabilities.includes('node-autoscaler'),
    );
    const start = nodeGroup.desiredSize;
    if (needed <= start) return [];
    if (!autoscaler)
      return [
        {
          object: '-',
          message: `${pods.length} pods (${Math.round(total)}m CPU requested) need ${needed} ${type} nodes; the node group starts with ${start} and no autoscaler adds nodes`,
        },
      ];
    if (needed > nodeGroup.maxSize)
      return [
        {
          object: '-',
          message: `${pods.length} pods need ${needed} ${type} nodes, more than the node group's maximum of ${nodeGroup.maxSize}`,
        },
      ];
    return [];
  },
};
