terraform {
  required_version = "~> 1.11.0"

  required_providers {
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.0.2"
    }
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.40.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7.2"
    }
  }

  # storage_account_name, container_name and resource_group_name are passed with -backend-config
  # (docs/infrastructure.md). The azurerm backend locks the state blob with a lease on every run.
  backend "azurerm" {
    key              = "fediflow/azure-secondary/terraform.tfstate"
    use_azuread_auth = true
  }
}
