output "cluster_name" {
  description = "EKS cluster name."
  value       = module.eks.cluster_name
}

output "database_identifier" {
  description = "RDS identifier."
  value       = module.database.db_instance_identifier
}

output "workload_role_arns" {
  description = "Pod Identity roles per workload."
  value       = module.workload_identity.role_arns
}

output "activity_queue_url" {
  description = "URL of the activity-processor queue."
  value       = module.queue.queue_url
}

output "media_bucket_name" {
  description = "MEDIA_S3_BUCKET of this environment's api and workers."
  value       = module.media_storage.bucket_name
}

output "media_public_base_url" {
  description = "MEDIA_PUBLIC_BASE_URL: the CloudFront distribution serving the media bucket."
  value       = module.media_storage.public_base_url
}
