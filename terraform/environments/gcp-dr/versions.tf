terraform {
  required_version = "~> 1.11.0"

  required_providers {
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.0.2"
    }
    google = {
      source  = "hashicorp/google"
      version = "~> 7.10.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7.2"
    }
  }

  # bucket is passed with -backend-config (docs/infrastructure.md). GCS locks the state on every run.
  backend "gcs" {
    prefix = "fediflow/gcp-dr"
  }
}
