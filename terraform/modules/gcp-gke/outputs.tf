output "cluster_name" {
  description = "GKE cluster name."
  value       = try(google_container_cluster.this[0].name, null)
}

output "external_secrets_service_account" {
  description = "Email for the external-secrets ServiceAccount's iam.gke.io/gcp-service-account annotation."
  value       = try(google_service_account.workload["eso"].email, null)
}

output "endpoint" {
  description = "API server address (private endpoint), for the helm provider that installs Argo CD."
  value       = try(google_container_cluster.this[0].endpoint, null)
}

output "ca_certificate" {
  description = "Base64 CA certificate of the API server."
  value       = try(google_container_cluster.this[0].master_auth[0].cluster_ca_certificate, null)
}

output "cert_manager_service_account" {
  description = "Email for the cert-manager ServiceAccount's iam.gke.io/gcp-service-account annotation."
  value       = try(google_service_account.workload["cm"].email, null)
}

output "oidc_issuer_url" {
  description = "Issuer of the cluster's service account tokens (their iss claim; its discovery document is public), for OIDC federation with other clouds."
  value       = try("https://container.googleapis.com/v1/projects/${var.project_id}/locations/${var.region}/clusters/${google_container_cluster.this[0].name}", null)
}
