output "namespace" {
  description = "Namespace Argo CD runs in."
  value       = var.namespace
}

output "chart_version" {
  description = "Installed argo-cd chart version."
  value       = try(helm_release.this[0].version, null)
}

output "root_application" {
  description = "Name of the app-of-apps Application."
  value       = var.create ? "root" : null
}
