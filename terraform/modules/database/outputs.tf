output "db_instance_identifier" {
  description = "Identifier of the DB instance."
  value       = try(aws_db_instance.this[0].identifier, null)
}

output "db_instance_arn" {
  description = "ARN of the DB instance (AWS Backup selects it)."
  value       = try(aws_db_instance.this[0].arn, null)
}

output "db_instance_address" {
  description = "Host name of the DB instance."
  value       = try(aws_db_instance.this[0].address, null)
}

output "db_instance_port" {
  description = "Port of the DB instance."
  value       = try(aws_db_instance.this[0].port, null)
}

output "security_group_id" {
  description = "Security group of the DB instance."
  value       = try(aws_security_group.this[0].id, null)
}

output "kms_key_arn" {
  description = "KMS key encrypting storage and Performance Insights."
  value       = try(aws_kms_key.this[0].arn, null)
}

output "credentials_secret_arn" {
  description = "Secrets Manager secret holding DATABASE_URL."
  value       = try(aws_secretsmanager_secret.credentials[0].arn, null)
}

output "master_secret_arn" {
  description = "Secrets Manager secret holding the master password (primary only)."
  value       = try(aws_secretsmanager_secret.master[0].arn, null)
}
