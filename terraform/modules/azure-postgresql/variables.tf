variable "create" {
  description = "Whether to create the server and its configuration."
  type        = bool
  default     = true
}

variable "name" {
  description = "Server name, e.g. fediflow-secondary."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,62}$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "location" {
  description = "Azure region of the server."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the server."
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

variable "sku_name" {
  description = "Compute tier and size (zone-redundant HA needs General Purpose or Memory Optimized)."
  type        = string
  default     = "GP_Standard_D4ds_v5"

  validation {
    condition     = can(regex("^(GP|MO)_", var.sku_name))
    error_message = "sku_name must be General Purpose (GP_) or Memory Optimized (MO_): Burstable has no HA."
  }
}

variable "storage_mb" {
  description = "Storage size in MiB."
  type        = number
  default     = 131072
}

variable "delegated_subnet_id" {
  description = "Subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers (VNet integration)."
  type        = string
}

variable "private_dns_zone_id" {
  description = "Private DNS zone of the server's name."
  type        = string
}

variable "backup_retention_days" {
  description = "Days of point-in-time restore."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 7-35."
  }
}

variable "admin_password_version" {
  description = "Bump to rotate the write-only administrator password."
  type        = number
  default     = 1
}

variable "key_vault_id" {
  description = "Key Vault that receives <secret_prefix>-database-credentials (property DATABASE_URL)."
  type        = string
}

variable "secret_prefix" {
  description = "Secret name prefix the ExternalSecrets read, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^fediflow-(staging|production)$", var.secret_prefix))
    error_message = "secret_prefix must be fediflow-staging or fediflow-production."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
