output "cluster_name" {
  description = "AKS cluster name."
  value       = try(azurerm_kubernetes_cluster.this[0].name, null)
}

output "oidc_issuer_url" {
  description = "OIDC issuer of the cluster's workload identity federation."
  value       = try(azurerm_kubernetes_cluster.this[0].oidc_issuer_url, null)
}

output "external_secrets_client_id" {
  description = "Client id for the external-secrets ServiceAccount's azure.workload.identity/client-id annotation."
  value       = try(azurerm_user_assigned_identity.workload["external-secrets"].client_id, null)
}

output "host" {
  description = "API server URL, for the helm provider that installs Argo CD."
  value       = try(azurerm_kubernetes_cluster.this[0].kube_config[0].host, null)
}

output "cluster_ca_certificate" {
  description = "Base64 CA certificate of the API server."
  value       = try(azurerm_kubernetes_cluster.this[0].kube_config[0].cluster_ca_certificate, null)
}

output "cert_manager_client_id" {
  description = "Client id for cert-manager's azure.workload.identity/client-id annotation and the ClusterIssuer."
  value       = try(azurerm_user_assigned_identity.workload["cert-manager"].client_id, null)
}

output "log_analytics_workspace_id" {
  description = "Log Analytics workspace Container Insights ships container logs to."
  value       = try(azurerm_log_analytics_workspace.this[0].id, null)
}
