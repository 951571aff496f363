provider "aws" {
  region = var.region
}

module "state_backend" {
  source = "../modules/state-backend"

  tags = {
    Project   = "fediflow"
    ManagedBy = "terraform"
  }
}
