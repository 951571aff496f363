terraform {
  required_version = "~> 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.20.0"
      # aws is the replica's (DR) region; aws.source the region of the bucket it copies.
      configuration_aliases = [aws.source]
    }
  }
}
