output "health_check_id" {
  description = "ID of the Route53 health check on the primary."
  value       = try(aws_route53_health_check.this[0].id, null)
}

output "fqdn" {
  description = "Host name served by the failover records."
  value       = try(aws_route53_record.primary[0].fqdn, null)
}
