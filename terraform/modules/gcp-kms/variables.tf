variable "create" {
  description = "Whether to create the key ring and keys."
  type        = bool
  default     = true
}

variable "name" {
  description = "Key ring name, e.g. fediflow-dr."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,39}$", var.name))
    error_message = "name must be 3-40 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "project_id" {
  description = "Google Cloud project."
  type        = string
}

variable "region" {
  description = "Location of the key ring (the cluster's region)."
  type        = string
}
