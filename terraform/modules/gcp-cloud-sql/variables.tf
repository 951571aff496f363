variable "create" {
  description = "Whether to create the instance and its admin user."
  type        = bool
  default     = true
}

variable "name" {
  description = "Instance name, e.g. fediflow-dr."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,62}$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "project_id" {
  description = "Google Cloud project."
  type        = string
}

variable "region" {
  description = "Region of the instance."
  type        = string
}

variable "postgres_version" {
  description = "PostgreSQL major version; the same as the AWS primary's for logical replication."
  type        = string
  default     = "16"

  validation {
    condition     = contains(["15", "16", "17"], var.postgres_version)
    error_message = "postgres_version must be 15, 16 or 17."
  }
}

variable "tier" {
  description = "Machine tier of the instance."
  type        = string
  default     = "db-custom-4-16384"
}

variable "network_id" {
  description = "VPC network of the private IP (private services access)."
  type        = string
}

variable "retained_backups" {
  description = "Daily backups kept."
  type        = number
  default     = 14

  validation {
    condition     = var.retained_backups >= 7
    error_message = "retained_backups must be at least 7."
  }
}

variable "database_secret_id" {
  description = "Secret Manager secret (projects/.../secrets/...) that receives DATABASE_URL (gcp-secret-manager)."
  type        = string
}

variable "admin_password_version" {
  description = "Bump to rotate the write-only admin password."
  type        = number
  default     = 1
}
