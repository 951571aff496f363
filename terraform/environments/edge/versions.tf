terraform {
  required_version = "~> 1.11.0"

  required_providers {
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.0.2"
    }
  }

  # State stays on the site, in a Secret of the cluster it describes (no cloud account needed);
  # the kubernetes backend locks it with a Lease. The Secret's suffix (fediflow-edge) and
  # config_path are passed with -backend-config (docs/infrastructure.md).
  backend "kubernetes" {
    namespace = "kube-system"
  }
}
