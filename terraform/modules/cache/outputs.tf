output "replication_group_id" {
  description = "ID of the replication group."
  value       = try(aws_elasticache_replication_group.this[0].id, null)
}

output "primary_endpoint_address" {
  description = "Primary endpoint of the replication group (TLS)."
  value       = try(aws_elasticache_replication_group.this[0].primary_endpoint_address, null)
}

output "security_group_id" {
  description = "Security group of the replication group."
  value       = try(aws_security_group.this[0].id, null)
}

output "credentials_secret_arn" {
  description = "Secrets Manager secret holding REDIS_URL."
  value       = try(aws_secretsmanager_secret.this[0].arn, null)
}
