output "activity_processor_arn" {
  description = "ARN of the activityProcessor function."
  value       = try(module.function["activity-processor"].arn, null)
}

output "email_sender_arn" {
  description = "ARN of the emailSender function."
  value       = try(module.function["email-sender"].arn, null)
}

output "security_group_id" {
  description = "Security group of the functions: allow it on the database's and the cache's security groups."
  value       = try(aws_security_group.this[0].id, null)
}
