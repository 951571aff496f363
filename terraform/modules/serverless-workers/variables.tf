variable "create" {
  description = "Whether to run the serverless workers (activityProcessor, emailSender) in this environment instead of the Kubernetes workers' activity consumer."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name prefix of the functions, roles and alarms, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "runtime" {
  description = "Lambda runtime: the newest Node.js AWS supports, the images' major (Node 24)."
  type        = string
  default     = "nodejs24.x"

  validation {
    condition     = contains(["nodejs24.x"], var.runtime)
    error_message = "runtime must be nodejs24.x (older Node.js runtimes are end-of-life or behind the images)."
  }
}

variable "activity_processor_zip" {
  description = "Path of the activityProcessor package built by `nx run workers:package-lambda` (dist/lambda/activityProcessor.zip)."
  type        = string

  validation {
    condition     = endswith(var.activity_processor_zip, ".zip")
    error_message = "activity_processor_zip must be a .zip file."
  }
}

variable "email_sender_zip" {
  description = "Path of the emailSender package (dist/lambda/emailSender.zip)."
  type        = string

  validation {
    condition     = endswith(var.email_sender_zip, ".zip")
    error_message = "email_sender_zip must be a .zip file."
  }
}

variable "public_origin" {
  description = "PUBLIC_ORIGIN of the instance, e.g. https://social.example.org."
  type        = string

  validation {
    condition     = can(regex("^https://[a-z0-9.-]+$", var.public_origin))
    error_message = "public_origin must be an https:// origin without a path."
  }
}

variable "redis_key_prefix" {
  description = "REDIS_KEY_PREFIX, as the Kubernetes services of the environment use it."
  type        = string
  default     = "fediflow"
}

variable "queue_arn" {
  description = "ARN of the activity-processor queue (modules/queue) the federation service enqueues to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:", var.queue_arn))
    error_message = "queue_arn must be an SQS queue ARN."
  }
}

variable "queue_url" {
  description = "URL of the activity-processor queue (INBOUND_QUEUE_URL)."
  type        = string
}

variable "dlq_name" {
  description = "Name of the activity-processor's dead-letter queue, for the depth alarm."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database and cache."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the functions run in (with a NAT route for SQS, SSM and remote servers)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids needs at least two subnets (two availability zones)."
  }
}

variable "database_security_group_id" {
  description = "Security group of the RDS instance (modules/database): the functions are let in on 5432."
  type        = string
}

variable "cache_security_group_id" {
  description = "Security group of the ElastiCache group (modules/cache): the functions are let in on 6379."
  type        = string
}

variable "database_url_parameter" {
  description = "SSM SecureString parameter holding DATABASE_URL."
  type        = string
  default     = "/fediflow/database/url"
}

variable "redis_url_parameter" {
  description = "SSM SecureString parameter holding REDIS_URL."
  type        = string
  default     = "/fediflow/redis/url"
}

variable "smtp_url_parameter" {
  description = "SSM SecureString parameter holding SMTP_URL (the emailSender sends no mail without it)."
  type        = string
  default     = "/fediflow/smtp/url"
}

variable "parameters_kms_key_arn" {
  description = "Customer-managed KMS key of the SecureString parameters; null for the AWS-managed aws/ssm key."
  type        = string
  default     = null
}

variable "parameters_extension_layer_arn" {
  description = "ARN of the AWS Parameters and Secrets Lambda Extension layer (arm64) of the region: the functions read their SSM parameters through it at init. Required when create is true."
  type        = string
  default     = null

  validation {
    condition     = var.parameters_extension_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:[0-9]+$", var.parameters_extension_layer_arn))
    error_message = "parameters_extension_layer_arn must be a version of the AWS-Parameters-and-Secrets-Lambda-Extension-Arm64 layer."
  }

  validation {
    condition     = !var.create || var.parameters_extension_layer_arn != null
    error_message = "parameters_extension_layer_arn is required when create is true."
  }
}

variable "activity_processing_enabled" {
  description = "Whether the SQS event source hands activities to the activityProcessor; false (FEDERATION_ENABLED=false) leaves them waiting in the queue for its retention period."
  type        = bool
  default     = true
}

variable "activity_reserved_concurrency" {
  description = "Reserved (and event source maximum) concurrency of the activityProcessor; each holds DATABASE_POOL_SIZE connections."
  type        = number
  default     = 100

  validation {
    condition     = var.activity_reserved_concurrency >= 2 && var.activity_reserved_concurrency <= 1000
    error_message = "activity_reserved_concurrency must be between 2 and 1000 (the SQS event source's maximum concurrency range)."
  }
}

variable "alarm_actions" {
  description = "SNS topics notified when an alarm fires (and recovers)."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Days to keep the functions' logs."
  type        = number
  default     = 30

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
