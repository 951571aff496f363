terraform {
  required_version = "~> 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.20.0"
    }
  }

  # Step 0 of the bootstrap: this root keeps local state (commit nothing; the bucket is the only
  # resource and can be imported again with `terraform import`).
}
