/**
 * An add-on that calls its cloud's API gets its credentials from the cloud's workload identity,
 * which has two halves: Terraform lets the ServiceAccount act as a cloud identity (EKS Pod
 * Identity association, AKS federated identity credential, GKE workloadIdentityUser binding), and
 * on AKS and GKE the chart's values name that identity (ServiceAccount annotation; on AKS also
 * the pod label the workload-identity webhook injects tokens for). Either half alone fails at the
 * controller's first cloud call.
 */
import type { AddonWorkload } from '../addon-catalog.ts';
import type { Cloud, ClusterModel } from '../types.ts';

export const CLOUD_NAMES: Record<Cloud, string> = {
  aws: 'AWS',
  azure: 'Azure',
  gcp: 'Google Cloud',
  onprem: 'on premises',
};

const GRANT: Record<Exclude<Cloud, 'onprem'>, string> = {
  aws: 'no Pod Identity association (terraform/modules/workload-identity)',
  azure: 'no federated identity credential (terraform/modules/azure-aks)',
  gcp: 'no roles/iam.workloadIdentityUser binding (terraform/modules/gcp-gke)',
};

export const AZURE_CLIENT_ID = 'azure.workload.identity/client-id';
export const AZURE_USE_LABEL = 'azure.workload.identity/use';
export const GKE_SERVICE_ACCOUNT = 'iam.gke.io/gcp-service-account';

/** What is missing for `workload` (in `namespace`) to call its cloud; empty when nothing is. */
export function identityProblems(
  cluster: ClusterModel,
  namespace: string | undefined,
  workload: AddonWorkload,
): string[] {
  const { cloud, workloadIdentities } = cluster.terraform;
  // On premises nothing is federated: the store reads Kubernetes Secrets, issuers use HTTP-01.
  if (!workload.cloudIdentity || cloud === 'onprem') return [];
  const who = `${namespace}/${workload.serviceAccount}`;
  const granted = workloadIdentities.get(who);
  if (granted === undefined)
    return [`${who} calls ${CLOUD_NAMES[cloud]} but Terraform gives it ${GRANT[cloud]}`];
  const annotations = workload.serviceAccountAnnotations ?? {};
  const problems: string[] = [];
  if (cloud === 'azure') {
    if (!annotations[AZURE_CLIENT_ID])
      problems.push(
        `${who} calls Azure but its ServiceAccount has no ${AZURE_CLIENT_ID} annotation (the chart's serviceAccount.annotations)`,
      );
    if (workload.podLabels?.[AZURE_USE_LABEL] !== 'true')
      problems.push(
        `${who} calls Azure but its pods lack the label ${AZURE_USE_LABEL}: "true", so no token is injected (the chart's podLabels)`,
      );
  }
  if (cloud === 'gcp' && annotations[GKE_SERVICE_ACCOUNT] !== granted)
    problems.push(
      `${who} calls Google Cloud as ${annotations[GKE_SERVICE_ACCOUNT] ?? '(no iam.gke.io/gcp-service-account annotation)'}, but Terraform binds it to ${granted || 'a service account whose email is not known offline'}`,
    );
  return problems;
}
