output "identity_arn" {
  description = "ARN of the SES domain identity."
  value       = try(aws_sesv2_email_identity.this[0].arn, null)
}

output "smtp_secret_arn" {
  description = "Secrets Manager secret holding SMTP_URL (null where it is a replica)."
  value       = try(aws_secretsmanager_secret.smtp[0].arn, null)
}
