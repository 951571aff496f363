variable "create" {
  description = "Whether to create the database, its keys and its secrets."
  type        = bool
  default     = true
}

variable "name" {
  description = "DB instance identifier and name prefix, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,50}$", var.name))
    error_message = "name must be 3-51 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "secret_prefix" {
  description = "Secrets Manager prefix read by the ExternalSecrets of the workloads, e.g. fediflow/production."
  type        = string

  validation {
    condition     = can(regex("^fediflow/(staging|production)$", var.secret_prefix))
    error_message = "secret_prefix must be fediflow/staging or fediflow/production."
  }
}

variable "engine_version" {
  description = "PostgreSQL major version (minor versions are upgraded automatically)."
  type        = string
  default     = "17"

  validation {
    condition     = contains(["16", "17"], var.engine_version)
    error_message = "engine_version must be 16 or 17."
  }
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.large"

  validation {
    condition     = can(regex("^db\\.", var.instance_class))
    error_message = "instance_class must be an RDS class such as db.t4g.large."
  }
}

variable "allocated_storage" {
  description = "Initial storage in GiB (gp3)."
  type        = number
  default     = 50

  validation {
    condition     = var.allocated_storage >= 20
    error_message = "allocated_storage must be at least 20 GiB."
  }
}

variable "max_allocated_storage" {
  description = "Upper bound for storage autoscaling in GiB."
  type        = number
  default     = 500

  validation {
    condition     = var.max_allocated_storage >= 20
    error_message = "max_allocated_storage must be at least 20 GiB."
  }
}

variable "db_subnet_group_name" {
  description = "DB subnet group spanning the private database subnets of three AZs."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database security group."
  type        = string
}

variable "allowed_security_group_ids" {
  description = "Security groups (the EKS cluster/node group) allowed to connect on 5432."
  type        = list(string)
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance. Must stay true in production."
  type        = bool
  default     = true
}

variable "cross_region_backup_enabled" {
  description = "Replicate automated backups (snapshots and transaction logs) into the aws.secondary region."
  type        = bool
  default     = false
}

variable "backup_replication_retention_days" {
  description = "Days the replicated automated backups are kept in the secondary region."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_replication_retention_days >= 7 && var.backup_replication_retention_days <= 35
    error_message = "backup_replication_retention_days must be between 7 and 35."
  }
}

variable "secret_replica_regions" {
  description = "Regions the master password secret is replicated to (the DR region, so a replica there can build its DATABASE_URL)."
  type        = list(string)
  default     = []
}

variable "replicate_source_identifier" {
  description = "Identifier of a database in the aws.secondary region to replicate. When set, this instance is a cross-region read replica (DR)."
  type        = string
  default     = null
}

variable "password_version" {
  description = "Bump to rotate the master password: the write-only password and DATABASE_URL are sent again."
  type        = number
  default     = 1

  validation {
    condition     = var.password_version >= 1 && floor(var.password_version) == var.password_version
    error_message = "password_version must be a positive integer."
  }
}

variable "database_name" {
  description = "Name of the application database."
  type        = string
  default     = "fediflow"
}

variable "username" {
  description = "Master user name (the password is generated and never stored in state)."
  type        = string
  default     = "fediflow"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
