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

variable "create_restore_validation" {
  description = "Whether the restoreValidation Lambda checks each restore test's copy (integrity checks, PutRestoreValidationResult, alarms). Needs restore_validation_zip, vpc_id, subnet_ids and parameters_extension_layer_arn."
  type        = bool
  default     = false
}

variable "restore_validation_zip" {
  description = "Path of the restoreValidation package built by `nx run workers:package-lambda` (dist/lambda/restoreValidation.zip)."
  type        = string
  default     = null

  validation {
    condition     = var.restore_validation_zip == null || endswith(coalesce(var.restore_validation_zip, "-"), ".zip")
    error_message = "restore_validation_zip must be a .zip file."
  }

  validation {
    condition     = !var.create_restore_validation || var.restore_validation_zip != null
    error_message = "restore_validation_zip is required when create_restore_validation is true."
  }
}

variable "vpc_id" {
  description = "VPC of restore_test_subnet_group_name: the function and the restored copies' security groups live there."
  type        = string
  default     = null

  validation {
    condition     = !var.create_restore_validation || var.vpc_id != null
    error_message = "vpc_id is required when create_restore_validation is true."
  }
}

variable "subnet_ids" {
  description = "Private subnets the restoreValidation function runs in (with a route to the RDS, AWS Backup and SSM APIs)."
  type        = list(string)
  default     = []

  validation {
    condition     = !var.create_restore_validation || length(var.subnet_ids) >= 2
    error_message = "subnet_ids needs at least two subnets (two availability zones) when create_restore_validation is true."
  }
}

variable "database_url_parameter" {
  description = "SSM SecureString parameter holding the production DATABASE_URL: a restored copy keeps the source's roles and their passwords."
  type        = string
  default     = "/fediflow/database/url"

  validation {
    condition     = startswith(var.database_url_parameter, "/")
    error_message = "database_url_parameter must be a parameter path starting with /."
  }
}

variable "parameters_kms_key_arn" {
  description = "Customer-managed KMS key of the SecureString parameter; null for the AWS-managed aws/ssm key."
  type        = string
  default     = null
}

variable "parameters_extension_layer_arn" {
  description = "ARN of the AWS Parameters and Secrets Lambda Extension layer (arm64) of the region: the function reads DATABASE_URL through it."
  type        = string
  default     = null

  validation {
    condition     = var.parameters_extension_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:[0-9]+$", var.parameters_extension_layer_arn))
    error_message = "parameters_extension_layer_arn must be a version of the AWS-Parameters-and-Secrets-Lambda-Extension-Arm64 layer."
  }

  validation {
    condition     = !var.create_restore_validation || var.parameters_extension_layer_arn != null
    error_message = "parameters_extension_layer_arn is required when create_restore_validation is true."
  }
}

variable "restore_validation_max_data_age_hours" {
  description = "A restored copy whose newest status is older than this fails validation (the backup is stale): daily snapshots plus slack."
  type        = number
  default     = 26

  validation {
    condition     = var.restore_validation_max_data_age_hours >= 1 && var.restore_validation_max_data_age_hours <= 840
    error_message = "restore_validation_max_data_age_hours must be between 1 and 840 (35 days)."
  }
}

variable "alarm_actions" {
  description = "SNS topics notified when a restore-validation alarm fires (and recovers)."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Days to keep the restoreValidation function's logs (its findings)."
  type        = number
  default     = 90

  validation {
    condition     = contains([7, 14, 30, 60, 90, 180, 365], var.log_retention_days)
    error_message = "log_retention_days must be one of 7, 14, 30, 60, 90, 180, 365."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
