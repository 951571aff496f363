output "zone_id" {
  description = "Azure DNS zone id (cert-manager's DNS-01 scope, terraform/modules/azure-aks dns_zone_id)."
  value       = try(azurerm_dns_zone.this[0].id, null)
}

output "name_servers" {
  description = "Azure DNS name servers to list at the registrar beside Route 53's."
  value       = try(azurerm_dns_zone.this[0].name_servers, [])
}

output "fqdn" {
  description = "The profile's trafficmanager.net name."
  value       = try(azurerm_traffic_manager_profile.this[0].fqdn, null)
}
