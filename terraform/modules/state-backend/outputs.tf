output "bucket_name" {
  description = "Name of the state bucket (pass it as -backend-config=\"bucket=...\")."
  value       = try(aws_s3_bucket.this[0].bucket, null)
}

output "bucket_arn" {
  description = "ARN of the state bucket."
  value       = try(aws_s3_bucket.this[0].arn, null)
}

output "kms_key_arn" {
  description = "KMS key encrypting the state."
  value       = try(aws_kms_key.this[0].arn, null)
}
