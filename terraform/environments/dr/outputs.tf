output "cluster_name" {
  description = "EKS cluster name."
  value       = module.eks.cluster_name
}

output "node_group_name" {
  description = "Node group to scale up on failover."
  value       = module.eks.node_group_name
}

output "database_identifier" {
  description = "Replica to promote on failover (aws rds promote-read-replica)."
  value       = module.database.db_instance_identifier
}

output "workload_role_arns" {
  description = "Pod Identity roles per workload."
  value       = module.workload_identity.role_arns
}

output "media_bucket_name" {
  description = "MEDIA_S3_BUCKET of this environment's api and workers."
  value       = module.media_storage.bucket_name
}

output "media_public_base_url" {
  description = "MEDIA_PUBLIC_BASE_URL: the CloudFront distribution serving the media bucket."
  value       = module.media_storage.public_base_url
}

output "media_replication_role_arn" {
  description = "Role S3 assumes to replicate production's media bucket into media_bucket_name."
  value       = module.media_replication.role_arn
}

output "external_media_role_arn" {
  description = "AWS_ROLE_ARN of the secondary clouds' api and workers (deploy/overlays/secondary-cloud media-config)."
  value       = module.external_media_access.role_arn
}
