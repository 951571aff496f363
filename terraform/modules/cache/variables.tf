variable "create" {
  description = "Whether to create the Redis replication group and its secret."
  type        = bool
  default     = true
}

variable "name" {
  description = "Replication group id and name prefix, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,39}$", var.name))
    error_message = "name must be 3-40 lowercase letters, digits or hyphens, starting with a letter."
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

variable "vpc_id" {
  description = "VPC of the cache security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private data subnets across three AZs."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must span at least two availability zones for Multi-AZ."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups (the EKS cluster/node group) allowed to connect on 6379."
  type        = list(string)
}

variable "node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.medium"

  validation {
    condition     = can(regex("^cache\\.", var.node_type))
    error_message = "node_type must be an ElastiCache node type such as cache.t4g.medium."
  }
}

variable "num_cache_clusters" {
  description = "Primary plus replicas; at least 2 for automatic failover."
  type        = number
  default     = 2

  validation {
    condition     = var.num_cache_clusters >= 2 && var.num_cache_clusters <= 6
    error_message = "num_cache_clusters must be between 2 and 6."
  }
}

variable "engine_version" {
  description = "Redis OSS engine version."
  type        = string
  default     = "7.1"
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots."
  type        = number
  default     = 7

  validation {
    condition     = var.snapshot_retention_days >= 1 && var.snapshot_retention_days <= 35
    error_message = "snapshot_retention_days must be between 1 and 35."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "auth_token_version" {
  description = "Bump to rotate the AUTH token: the write-only token and REDIS_URL are sent again."
  type        = number
  default     = 1

  validation {
    condition     = var.auth_token_version >= 1 && floor(var.auth_token_version) == var.auth_token_version
    error_message = "auth_token_version must be a positive integer."
  }
}
