output "cluster_name" {
  description = "GKE cluster name."
  value       = module.gke.cluster_name
}

output "external_secrets_service_account" {
  description = "Google service account for the external-secrets ServiceAccount annotation."
  value       = module.gke.external_secrets_service_account
}

output "cloud_sql_private_ip" {
  description = "Private IP of the subscriber database."
  value       = module.cloud_sql.private_ip_address
}

output "memorystore_host" {
  description = "Private IP of the cache (TLS 6378)."
  value       = module.memorystore.host
}

output "vpn_interface_ips" {
  description = "HA VPN interface addresses: terraform/environments/production's gcp_vpn_peers."
  value       = module.vpn.interface_ips
}

output "cert_manager_service_account" {
  description = "Google service account for the cert-manager ServiceAccount annotation."
  value       = module.gke.cert_manager_service_account
}

output "gke_oidc_issuer_url" {
  description = "Issuer of the cluster's service account tokens: terraform/environments/dr external_media_clusters (the api and workers read media from AWS with them)."
  value       = module.gke.oidc_issuer_url
}
