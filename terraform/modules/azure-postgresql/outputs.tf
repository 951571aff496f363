output "server_id" {
  description = "Resource id of the server."
  value       = try(azurerm_postgresql_flexible_server.this[0].id, null)
}

output "fqdn" {
  description = "Private FQDN of the server (the subscriber's host)."
  value       = try(azurerm_postgresql_flexible_server.this[0].fqdn, null)
}
