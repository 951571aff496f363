output "argocd_namespace" {
  description = "Namespace Argo CD runs in."
  value       = module.argocd.namespace
}
