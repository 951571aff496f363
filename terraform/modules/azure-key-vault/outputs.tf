output "key_vault_id" {
  description = "Resource id of the vault."
  value       = try(azurerm_key_vault.this[0].id, null)
}

output "vault_uri" {
  description = "Vault URL for the fediflow-secrets ClusterSecretStore."
  value       = try(azurerm_key_vault.this[0].vault_uri, null)
}

output "etcd_key_id" {
  description = "Versioned id of the etcd encryption key (AKS key_management_service)."
  value       = try(azurerm_key_vault_key.etcd[0].id, null)
}
