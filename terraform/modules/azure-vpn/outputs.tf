output "public_ips" {
  description = "The gateway's two public addresses: the customer gateways of terraform/modules/aws-vpn."
  value       = [for ip in azurerm_public_ip.this : ip.ip_address]
}

output "gateway_id" {
  description = "Virtual network gateway id."
  value       = try(azurerm_virtual_network_gateway.this[0].id, null)
}
