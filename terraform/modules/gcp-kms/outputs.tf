output "gke_secrets_key_id" {
  description = "Key of GKE application-layer secrets encryption."
  value       = try(google_kms_crypto_key.this["gke-secrets"].id, null)
}

output "secret_manager_key_id" {
  description = "Key of Secret Manager's customer-managed encryption."
  value       = try(google_kms_crypto_key.this["secret-manager"].id, null)
}
