output "state_bucket" {
  description = "Pass as -backend-config=\"bucket=...\" to every environment."
  value       = module.state_backend.bucket_name
}
