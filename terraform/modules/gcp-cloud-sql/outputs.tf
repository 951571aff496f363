output "connection_name" {
  description = "project:region:instance of the instance."
  value       = try(google_sql_database_instance.this[0].connection_name, null)
}

output "private_ip_address" {
  description = "Private IP of the instance (the subscriber's host)."
  value       = try(google_sql_database_instance.this[0].private_ip_address, null)
}
