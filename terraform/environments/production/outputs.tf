output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "vpc_id" {
  description = "VPC of the environment."
  value       = module.network.vpc_id
}

output "database_identifier" {
  description = "RDS identifier; the dr environment replicates it."
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

output "backup_vault_arn" {
  description = "Primary backup vault."
  value       = module.backup.vault_arn
}

output "vpn_tunnels" {
  description = "AWS tunnel addresses per link (azure, gcp): the aws_vpn_tunnels of terraform/environments/azure-secondary and gcp-dr."
  value       = { for link, vpn in module.vpn : link => vpn.tunnels }
}

output "media_bucket_name" {
  description = "MEDIA_S3_BUCKET of this environment's api and workers."
  value       = module.media_storage.bucket_name
}

output "media_public_base_url" {
  description = "MEDIA_PUBLIC_BASE_URL: the CloudFront distribution serving the media bucket."
  value       = module.media_storage.public_base_url
}
