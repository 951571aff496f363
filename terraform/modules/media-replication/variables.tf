variable "alarm_actions" {
  description = "SNS topics notified when replication fails or lags beyond 15 minutes (and recovers)."
  type        = list(string)
  default     = []
}

variable "create" {
  description = "Whether to replicate the source bucket into the replica bucket."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name prefix of the replication role, e.g. fediflow-dr."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "source_name" {
  description = "name of the media-storage module that owns the source bucket (e.g. fediflow-production): its bucket is <source_name>-media-<source region>, its key alias/<source_name>-media."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.source_name))
    error_message = "source_name must be 3-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "replica_bucket_arn" {
  description = "ARN of the versioned replica bucket in this provider's region (media-storage bucket_arn of this environment)."
  type        = string
}

variable "replica_kms_key_arn" {
  description = "ARN of the replica bucket's own KMS key, in its region: replicas are re-encrypted with it (media-storage kms_key_arn)."
  type        = string
}

variable "replicate_deletes" {
  description = "Whether delete markers are replicated, so that media a member deleted is gone from the replica too (its versions stay for the replica's noncurrent retention)."
  type        = bool
  default     = true
}

variable "replication_time_control" {
  description = "S3 Replication Time Control: 99.99 % of objects replicated within 15 minutes, with replication metrics and missed-threshold events (extra cost per GB)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
