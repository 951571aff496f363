output "vault_arn" {
  description = "Backup vault in the primary region."
  value       = try(aws_backup_vault.this[0].arn, null)
}

output "secondary_vault_arn" {
  description = "Backup vault in the DR region receiving the copies."
  value       = try(aws_backup_vault.secondary[0].arn, null)
}

output "plan_id" {
  description = "ID of the backup plan."
  value       = try(aws_backup_plan.this[0].id, null)
}

output "restore_testing_plan_name" {
  description = "Name of the restore-testing plan."
  value       = try(aws_backup_restore_testing_plan.this[0].name, null)
}

output "restore_testing_plan_arn" {
  description = "ARN of the restore-testing plan (the restoreValidation metrics' RestoreTestingPlan dimension)."
  value       = try(aws_backup_restore_testing_plan.this[0].arn, null)
}

output "restore_validation_function_arn" {
  description = "ARN of the restoreValidation function; null unless create_restore_validation."
  value       = try(module.validation[0].arn, null)
}

output "restored_security_group_id" {
  description = "Security group given to the restore tests' RDS copies: only the restoreValidation function gets in."
  value       = try(aws_security_group.restored[0].id, null)
}
