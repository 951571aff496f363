# The on-premises / edge cluster: k3s (or kubeadm) on the operator's machines, which Terraform does
# not build (argocd/clusters/edge/cluster.yaml describes them). Terraform only installs Argo CD
# with the root Application → argocd/clusters/edge; everything else arrives from there.
locals {
  environment = "edge"
}

module "argocd" {
  source = "../../modules/argocd-bootstrap"

  cluster         = local.environment
  repository_url  = var.gitops_repository_url
  target_revision = var.gitops_target_revision
}
