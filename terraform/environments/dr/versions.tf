terraform {
  required_version = "~> 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.20.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7.2"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.0.2"
    }
  }

  # bucket and region are passed with -backend-config (docs/infrastructure.md), so no account id is
  # written here. S3-native locking: no DynamoDB table.
  backend "s3" {
    key          = "fediflow/dr/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
