output "cluster_name" {
  description = "AKS cluster name."
  value       = module.aks.cluster_name
}

output "vault_uri" {
  description = "Key Vault URL (deploy/platform/clusters/azure-secondary)."
  value       = module.key_vault.vault_uri
}

output "external_secrets_client_id" {
  description = "Client id for the external-secrets ServiceAccount annotation."
  value       = module.aks.external_secrets_client_id
}

output "postgresql_fqdn" {
  description = "Private FQDN of the subscriber database."
  value       = module.postgresql.fqdn
}

output "redis_hostname" {
  description = "Hostname of the cache (TLS 6380)."
  value       = module.redis.hostname
}

output "vpn_public_ips" {
  description = "VPN gateway addresses: terraform/environments/production's azure_vpn_peers."
  value       = module.vpn.public_ips
}

output "dns_name_servers" {
  description = "Azure DNS name servers of the public zone: list them at the registrar beside Route 53's."
  value       = module.traffic.name_servers
}

output "cert_manager_client_id" {
  description = "Client id for cert-manager's ServiceAccount annotation and the ClusterIssuer's managedIdentity."
  value       = module.aks.cert_manager_client_id
}

output "aks_oidc_issuer_url" {
  description = "Issuer of the cluster's service account tokens: terraform/environments/dr external_media_clusters (the api and workers read media from AWS with them)."
  value       = module.aks.oidc_issuer_url
}
