output "bucket_name" {
  description = "Name of the media bucket (MEDIA_S3_BUCKET)."
  value       = try(aws_s3_bucket.this[0].id, null)
}

output "bucket_arn" {
  description = "ARN of the media bucket (what the api's role may write)."
  value       = try(aws_s3_bucket.this[0].arn, null)
}

output "kms_key_arn" {
  description = "ARN of the KMS key the bucket encrypts with (the api's role encrypts with it)."
  value       = try(aws_kms_key.this[0].arn, null)
}

output "public_base_url" {
  description = "Where clients load media from (MEDIA_PUBLIC_BASE_URL): the CloudFront distribution."
  value       = try("https://${aws_cloudfront_distribution.this[0].domain_name}", null)
}

output "region" {
  description = "Region of the bucket (MEDIA_S3_REGION)."
  value       = data.aws_region.current.region
}
