output "cluster_name" {
  description = "GKE cluster name."
  value       = try(google_container_cluster.this[0].name, null)
}

output "external_secrets_service_account" {
  description = "Email for the external-secrets ServiceAccount's iam.gke.io/gcp-service-account annotation."
  value       = try(google_service_account.external_secrets[0].email, null)
}
