variable "create" {
  description = "Whether to create the vaults, the backup plan and the restore-testing plan."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name prefix, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "resource_arns" {
  description = "Resources to protect (the RDS instance)."
  type        = list(string)

  validation {
    condition     = length(var.resource_arns) > 0
    error_message = "resource_arns must list at least one resource."
  }
}

variable "continuous_retention_days" {
  description = "Days of continuous (point-in-time) backups; AWS Backup allows at most 35."
  type        = number
  default     = 35

  validation {
    condition     = var.continuous_retention_days >= 7 && var.continuous_retention_days <= 35
    error_message = "continuous_retention_days must be between 7 and 35."
  }
}

variable "daily_retention_days" {
  description = "Days daily snapshots are kept, in both regions."
  type        = number
  default     = 35

  validation {
    condition     = var.daily_retention_days >= 7
    error_message = "daily_retention_days must be at least 7."
  }
}

variable "restore_test_subnet_group_name" {
  description = "DB subnet group the restore test restores into."
  type        = string
}

variable "restore_test_schedule" {
  description = "When the restore test runs (AWS Backup cron expression)."
  type        = string
  default     = "cron(0 5 ? * MON *)"

  validation {
    condition     = can(regex("^cron\\(.+\\)$", var.restore_test_schedule))
    error_message = "restore_test_schedule must be a cron(...) expression."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
