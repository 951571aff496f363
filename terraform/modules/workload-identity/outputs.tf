output "role_arns" {
  description = "IAM role ARN per workload (external-secrets, fluent-bit, federation, api, workers)."
  value       = { for key, role in aws_iam_role.this : key => role.arn }
}

output "application_log_group_name" {
  description = "CloudWatch Logs group Fluent Bit ships application logs to."
  value       = try(aws_cloudwatch_log_group.application[0].name, null)
}

output "media_policy_json" {
  description = "The media bucket policy of the api and workers roles, for identities outside EKS (modules/external-media-access)."
  value       = data.aws_iam_policy_document.media.json
}
