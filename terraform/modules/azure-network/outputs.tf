output "resource_group_name" {
  description = "Resource group of the environment."
  value       = try(azurerm_resource_group.this[0].name, null)
}

output "node_subnet_id" {
  description = "Subnet of the AKS node pools."
  value       = try(azurerm_subnet.nodes[0].id, null)
}

output "endpoint_subnet_id" {
  description = "Subnet of the private endpoints."
  value       = try(azurerm_subnet.endpoints[0].id, null)
}

output "postgres_subnet_id" {
  description = "Subnet delegated to PostgreSQL Flexible Server."
  value       = try(azurerm_subnet.postgres[0].id, null)
}

output "postgres_dns_zone_id" {
  description = "Private DNS zone of the PostgreSQL server."
  value       = try(azurerm_private_dns_zone.postgres[0].id, null)
}

output "gateway_subnet_id" {
  description = "GatewaySubnet of the VPN gateway."
  value       = try(azurerm_subnet.gateway[0].id, null)
}
