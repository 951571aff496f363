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
