output "role_arn" {
  description = "ARN of the IAM role S3 assumes to replicate."
  value       = try(aws_iam_role.this[0].arn, null)
}

output "source_bucket_name" {
  description = "The replicated bucket (in the source region)."
  value       = local.source_bucket_name
}

output "rule_id" {
  description = "Replication rule id (the RuleId dimension of the AWS/S3 replication metrics)."
  value       = local.rule_id
}
