variable "create" {
  description = "Whether to create the secrets and their reader bindings."
  type        = bool
  default     = true
}

variable "project_id" {
  description = "Google Cloud project."
  type        = string
}

variable "prefix" {
  description = "Secret name prefix the ExternalSecrets read, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^fediflow-(staging|production)$", var.prefix))
    error_message = "prefix must be fediflow-staging or fediflow-production."
  }
}

variable "secret_names" {
  description = "Secrets to create under the prefix."
  type        = list(string)
  default     = ["database-credentials", "redis-credentials", "smtp-credentials"]
}

variable "replica_kms_keys" {
  description = "Replica location → Cloud KMS key of that location."
  type        = map(string)

  validation {
    condition     = length(var.replica_kms_keys) > 0
    error_message = "replica_kms_keys must name at least one location."
  }
}

variable "reader_service_account" {
  description = "Google service account External Secrets acts as (gcp-gke output)."
  type        = string
}
