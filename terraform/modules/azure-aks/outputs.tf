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
  value       = try(azurerm_user_assigned_identity.external_secrets[0].client_id, null)
}
