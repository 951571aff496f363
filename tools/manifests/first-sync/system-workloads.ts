/**
 * What the managed platform itself runs in kube-system on every cluster, for references (e.g.
 * NetworkPolicies allowing DNS to k8s-app=kube-dns) and capacity. EKS: its managed add-ons; AKS
 * with Azure CNI Overlay + Cilium and GKE with Dataplane V2 run no kube-proxy; k3s runs CoreDNS,
 * metrics-server and the local-path provisioner (ServiceLB's per-Service DaemonSet requests
 * nothing). Requests of the AKS, GKE and k3s pods are the vendors' manifest figures, rounded up;
 * compare with `kubectl get pods -n kube-system -o json` of a real cluster when one exists.
 */
import type { AddonWorkload } from './addon-catalog.ts';
import type { Cloud } from './types.ts';

const pod = (
  kind: AddonWorkload['kind'],
  name: string,
  labels: Record<string, string>,
  replicas: number,
  cpu: number,
  memory: number,
): AddonWorkload => ({
  kind,
  name,
  namespace: 'kube-system',
  labels,
  serviceAccount: name,
  replicas,
  cpu,
  memory,
  privileged: kind === 'DaemonSet',
});
const coreDns = (replicas: number, cpu: number, memory: number) =>
  pod('Deployment', 'coredns', { 'k8s-app': 'kube-dns' }, replicas, cpu, memory);

export const SYSTEM_WORKLOADS: Readonly<Record<Cloud, readonly AddonWorkload[]>> = {
  aws: [
    {
      kind: 'Deployment',
      name: 'coredns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns' },
      serviceAccount: 'coredns',
      replicas: 2,
      cpu: 100,
      memory: 70,
    },
    {
      kind: 'DaemonSet',
      name: 'aws-node',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'aws-node' },
      serviceAccount: 'aws-node',
      replicas: 1,
      cpu: 50,
      memory: 0,
      privileged: true,
    },
    {
      kind: 'DaemonSet',
      name: 'kube-proxy',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-proxy' },
      serviceAccount: 'kube-proxy',
      replicas: 1,
      cpu: 100,
      memory: 0,
      privileged: true,
    },
    {
      kind: 'DaemonSet',
      name: 'eks-pod-identity-agent',
      namespace: 'kube-system',
      labels: { 'app.kubernetes.io/name': 'eks-pod-identity-agent' },
      serviceAccount: 'default',
      replicas: 1,
      cpu: 25,
      memory: 0,
      privileged: true,
    },
  ],
  azure: [
    coreDns(2, 100, 70),
    pod('DaemonSet', 'cilium', { 'k8s-app': 'cilium' }, 1, 100, 0),
    pod('DaemonSet', 'cloud-node-manager', { 'k8s-app': 'cloud-node-manager' }, 1, 50, 50),
    pod('DaemonSet', 'csi-azuredisk-node', { app: 'csi-azuredisk-node' }, 1, 30, 60),
    pod('DaemonSet', 'ama-logs', { component: 'ama-logs-agent' }, 1, 75, 325),
    pod('Deployment', 'metrics-server', { 'k8s-app': 'metrics-server' }, 2, 50, 80),
    pod(
      'Deployment',
      'azure-wi-webhook-controller-manager',
      { 'azure-workload-identity.io/system': 'true' },
      2,
      100,
      20,
    ),
    pod('Deployment', 'konnectivity-agent', { app: 'konnectivity-agent' }, 2, 20, 20),
  ],
  gcp: [
    pod('Deployment', 'kube-dns', { 'k8s-app': 'kube-dns' }, 2, 260, 110),
    pod('DaemonSet', 'anetd', { 'k8s-app': 'cilium' }, 1, 100, 0),
    pod('DaemonSet', 'fluentbit-gke', { 'k8s-app': 'fluentbit-gke' }, 1, 100, 200),
    pod('DaemonSet', 'gke-metadata-server', { 'k8s-app': 'gke-metadata-server' }, 1, 100, 100),
    pod(
      'DaemonSet',
      'pdcsi-node',
      { 'k8s-app': 'gcp-compute-persistent-disk-csi-driver' },
      1,
      10,
      20,
    ),
    pod('Deployment', 'metrics-server', { 'k8s-app': 'metrics-server' }, 1, 50, 80),
    pod('Deployment', 'konnectivity-agent', { 'k8s-app': 'konnectivity-agent' }, 2, 10, 30),
  ],
  onprem: [
    coreDns(1, 100, 70),
    pod('Deployment', 'metrics-server', { 'k8s-app': 'metrics-server' }, 1, 100, 70),
    pod('Deployment', 'local-path-provisioner', { app: 'local-path-provisioner' }, 1, 0, 0),
  ],
};
