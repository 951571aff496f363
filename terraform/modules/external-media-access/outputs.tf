output "role_arn" {
  description = "AWS_ROLE_ARN for the clusters' api and workers (deploy/overlays/secondary-cloud media-config); null when no cluster is listed."
  value       = try(aws_iam_role.media[0].arn, null)
}
