output "secret_ids" {
  description = "Secret ids, by short name."
  value       = { for name, secret in google_secret_manager_secret.this : name => secret.secret_id }
}

output "ids" {
  description = "Full secret resource ids (projects/.../secrets/...), by short name."
  value       = { for name, secret in google_secret_manager_secret.this : name => secret.id }
}
