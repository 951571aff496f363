output "host" {
  description = "Private IP of the instance (TLS, port 6378)."
  value       = try(google_redis_instance.this[0].host, null)
}
