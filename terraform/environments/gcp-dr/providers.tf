provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    project     = "fediflow"
    environment = "gcp-dr"
    managed-by  = "terraform"
  }
}
