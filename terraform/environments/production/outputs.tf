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

output "vpn_azure_tunnels" {
  description = "AWS tunnel addresses for terraform/environments/azure-secondary's aws_vpn_tunnels."
  value       = module.vpn_azure.tunnels
}

output "vpn_gcp_tunnels" {
  description = "AWS tunnel addresses for terraform/environments/gcp-dr's aws_vpn_tunnels."
  value       = module.vpn_gcp.tunnels
}
