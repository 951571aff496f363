provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    project     = "fediflow"
    environment = "gcp-dr"
    managed-by  = "terraform"
  }
}

# Argo CD goes in through the private endpoint: apply from an authorised network (or over the
# VPN, terraform/modules/gcp-vpn). Tokens from gke-gcloud-auth-plugin.
provider "helm" {
  kubernetes = {
    host                   = "https://${module.gke.endpoint}"
    cluster_ca_certificate = base64decode(module.gke.ca_certificate)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "gke-gcloud-auth-plugin"
    }
  }
}
