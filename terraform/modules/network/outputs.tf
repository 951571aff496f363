output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = module.vpc.vpc_cidr_block
}

output "azs" {
  description = "The three availability zones the subnets span."
  value       = local.azs
}

output "private_subnet_ids" {
  description = "Private subnets for EKS nodes (one per AZ)."
  value       = module.vpc.private_subnets
}

output "public_subnet_ids" {
  description = "Public subnets for internet-facing load balancers (one per AZ)."
  value       = module.vpc.public_subnets
}

output "database_subnet_ids" {
  description = "Private subnets for RDS and ElastiCache (one per AZ)."
  value       = module.vpc.database_subnets
}

output "database_subnet_group_name" {
  description = "RDS DB subnet group spanning the database subnets."
  value       = module.vpc.database_subnet_group_name
}

output "flow_log_id" {
  description = "ID of the VPC flow log."
  value       = try(aws_flow_log.this[0].id, null)
}

output "private_route_table_ids" {
  description = "Route tables of the private (node) and database subnets: where routes to the other clouds' VPNs propagate."
  value       = concat(module.vpc.private_route_table_ids, module.vpc.database_route_table_ids)
}
