variable "create" {
  description = "Whether to create the state bucket."
  type        = bool
  default     = true
}

variable "bucket_prefix" {
  description = "Prefix of the state bucket name; the account id and region are appended."
  type        = string
  default     = "fediflow-terraform-state"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,30}$", var.bucket_prefix))
    error_message = "bucket_prefix must be 3-31 lowercase letters, digits or hyphens."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days old state versions are kept."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 30
    error_message = "noncurrent_version_retention_days must be at least 30."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
