# The secrets one Google Cloud environment's workloads read through External Secrets
# (fediflow-<environment>-<secret>), replicated to the chosen regions with a customer-managed key
# each; gcp-cloud-sql writes database-credentials (write-only), an operator the others.
resource "google_secret_manager_secret" "this" {
  for_each = var.create ? toset(var.secret_names) : toset([])

  project   = var.project_id
  secret_id = "${var.prefix}-${each.value}"

  replication {
    user_managed {
      dynamic "replicas" {
        for_each = var.replica_kms_keys
        content {
          location = replicas.key
          customer_managed_encryption {
            kms_key_name = replicas.value
          }
        }
      }
    }
  }
}

resource "google_secret_manager_secret_iam_member" "external_secrets" {
  for_each = var.create ? toset(var.secret_names) : toset([])

  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.reader_service_account}"
}
