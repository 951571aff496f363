output "network_id" {
  description = "VPC network id."
  value       = try(google_compute_network.this[0].id, null)
}

output "subnetwork_id" {
  description = "Subnetwork of the GKE nodes."
  value       = try(google_compute_subnetwork.this[0].id, null)
}
