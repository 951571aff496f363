# The Cloud KMS keys of one Google Cloud environment: GKE application-layer secrets encryption and
# Secret Manager's customer-managed encryption, rotated every 90 days, protected from destroy.
resource "google_kms_key_ring" "this" {
  count = var.create ? 1 : 0

  name     = var.name
  project  = var.project_id
  location = var.region
}

resource "google_kms_crypto_key" "this" {
  for_each = var.create ? toset(["gke-secrets", "secret-manager"]) : toset([])

  name            = each.value
  key_ring        = google_kms_key_ring.this[0].id
  rotation_period = "7776000s"

  lifecycle {
    prevent_destroy = true
  }
}
