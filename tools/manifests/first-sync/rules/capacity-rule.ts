/**
 * The minimum replicas of everything the first sync starts fit on the node group Terraform
 * creates (or the machines an on-premises cluster.yaml describes), or a node autoscaler exists
 * and they fit within the group's maximum. Allocatable capacity follows each platform's
 * documented reservation: the EKS AMI (CPU 6 % of the first core, 1 % of the second, 0.5 % of the
 * next two; memory 255 MiB + 11 MiB per pod), GKE (same CPU; memory 25/20/10/6 % tiers), AKS
 * (CPU by core count; memory min(20 MiB per pod + 50 MiB, 25 %)), k3s (nothing), each plus the
 * 100 MiB eviction threshold.
 */
import { namespaces, placeAll, podTemplates, type PodTemplate } from '../inventory.ts';
import { injectionMode } from './admission-rule.ts';
import { isInjected } from '../admission.ts';
import type { Cloud, ClusterModel, SyncRule } from '../types.ts';
import { provides } from './controllers-rule.ts';

interface Machine {
  readonly vcpu: number;
  readonly memoryMiB: number;
  readonly maxPods: number;
}

/** Machine types the node pools use; on premises the cluster.yaml names `onprem-<cpu>x<MiB>-<pods>`. */
const INSTANCES: Record<Cloud, Record<string, Machine>> = {
  aws: {
    't3.medium': { vcpu: 2, memoryMiB: 4096, maxPods: 17 },
    't3.large': { vcpu: 2, memoryMiB: 8192, maxPods: 35 },
    't3.xlarge': { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
    'm7i.large': { vcpu: 2, memoryMiB: 8192, maxPods: 29 },
    'm7i.xlarge': { vcpu: 4, memoryMiB: 16384, maxPods: 58 },
  },
  // Azure CNI Overlay: 250 pods per node by default.
  azure: {
    Standard_D4ds_v5: { vcpu: 4, memoryMiB: 16384, maxPods: 250 },
    Standard_D8ds_v5: { vcpu: 8, memoryMiB: 32768, maxPods: 250 },
  },
  gcp: {
    'e2-standard-4': { vcpu: 4, memoryMiB: 16384, maxPods: 110 },
    'e2-standard-8': { vcpu: 8, memoryMiB: 32768, maxPods: 110 },
  },
  onprem: {},
};

function machine(cloud: Cloud, type: string): Machine | undefined {
  const onprem = /^onprem-(\d+)x(\d+)-(\d+)$/.exec(type);
  if (cloud === 'onprem' && onprem)
    return { vcpu: Number(onprem[1]), memoryMiB: Number(onprem[2]), maxPods: Number(onprem[3]) };
  return INSTANCES[cloud][type];
}

/** The kubelet's CPU reservation shared by the EKS AMI and GKE: 6 %, 1 %, 0.5 % ×2, 0.25 % beyond. */
const tieredCpu = (cores: number) =>
  60 +
  (cores > 1 ? 10 : 0) +
  Math.min(Math.max(cores - 2, 0), 2) * 5 +
  Math.max(cores - 4, 0) * 2.5;

/** GKE's memory reservation: 25 % of the first 4 GiB, 20 % of the next 4, 10 % of the next 8, 6 % up to 128 GiB. */
const gkeMemory = (mib: number) =>
  0.25 * Math.min(mib, 4096) +
  0.2 * Math.min(Math.max(mib - 4096, 0), 4096) +
  0.1 * Math.min(Math.max(mib - 8192, 0), 8192) +
  0.06 * Math.min(Math.max(mib - 16384, 0), 114688);

/** AKS (1.29+): CPU by core count; memory the lesser of 20 MiB per pod + 50 MiB and 25 %. */
const AKS_CPU: Record<number, number> = { 1: 60, 2: 100, 4: 140, 8: 180, 16: 260 };

/** kube-reserved + system-reserved + the 100 MiB hard-eviction threshold, per platform. */
function reserved(cloud: Cloud, node: Machine): { cpu: number; memory: number } {
  switch (cloud) {
    case 'aws':
      return { cpu: tieredCpu(node.vcpu), memory: 255 + 11 * node.maxPods + 100 };
    case 'gcp':
      return { cpu: tieredCpu(node.vcpu), memory: gkeMemory(node.memoryMiB) + 100 };
    case 'azure':
      return {
        cpu: AKS_CPU[node.vcpu] ?? 260,
        memory: Math.min(20 * node.maxPods + 50, 0.25 * node.memoryMiB) + 100,
      };
    case 'onprem':
      // k3s reserves nothing by default; only the kubelet's eviction threshold.
      return { cpu: 0, memory: 100 };
  }
}

export function allocatable(
  cloud: Cloud,
  type: string,
): { cpu: number; memory: number; pods: number } | undefined {
  const node = machine(cloud, type);
  if (!node) return undefined;
  const held = reserved(cloud, node);
  return {
    cpu: node.vcpu * 1000 - held.cpu,
    memory: node.memoryMiB - held.memory,
    pods: node.maxPods,
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
export function nodesNeeded(
  pods: Pod[],
  perNode: Pod[],
  cloud: Cloud,
  type: string,
): number | undefined {
  const node = allocatable(cloud, type);
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
    const { nodeGroup, cloud } = cluster.terraform;
    const type = nodeGroup.instanceTypes[0] ?? '';
    if (!allocatable(cloud, type))
      return [
        {
          object: '-',
          message: `instance type ${type} is not modelled (add it to the capacity table)`,
        },
      ];
    const { pods, perNode } = demand(cluster);
    const needed = nodesNeeded(pods, perNode, cloud, type);
    const total = pods.reduce((s, p) => s + p.cpu, 0);
    if (needed === undefined)
      return [{ object: '-', message: `a pod requests more than one ${type} can allocate` }];
    const autoscaler = provides(cluster, 'node-autoscaler');
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
