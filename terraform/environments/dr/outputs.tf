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
