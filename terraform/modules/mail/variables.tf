variable "create" {
  description = "Whether to create the SES domain identity (and its DKIM records)."
  type        = bool
  default     = true
}

variable "create_smtp_secret" {
  description = "Whether to create the smtp-credentials secret. False where it arrives as a replica from the primary region."
  type        = bool
  default     = true
}

variable "domain" {
  description = "Mail domain FediFlow sends from, e.g. example.org."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain))
    error_message = "domain must be a lowercase DNS name."
  }
}

variable "create_dkim_records" {
  description = "Publish the DKIM CNAMEs in the Route53 public zone named like the domain."
  type        = bool
  default     = true
}

variable "secret_prefix" {
  description = "Secrets Manager prefix read by the ExternalSecrets of the workloads, e.g. fediflow/production."
  type        = string

  validation {
    condition     = can(regex("^fediflow/(staging|production)$", var.secret_prefix))
    error_message = "secret_prefix must be fediflow/staging or fediflow/production."
  }
}

variable "secret_replica_regions" {
  description = "Regions the SMTP secret is replicated to (the DR region)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
