output "hostname" {
  description = "Hostname of the cache (TLS port 6380)."
  value       = try(azurerm_redis_cache.this[0].hostname, null)
}

output "ssl_port" {
  description = "The only port the cache listens on."
  value       = try(azurerm_redis_cache.this[0].ssl_port, null)
}
