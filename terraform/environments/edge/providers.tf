# The k3s cluster's kubeconfig (/etc/rancher/k3s/k3s.yaml copied to the operator's machine).
provider "helm" {
  kubernetes = {
    config_path    = var.kubeconfig_path
    config_context = var.kubeconfig_context
  }
}
