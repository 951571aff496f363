variable "create" {
  description = "Whether to create the workload roles and their Pod Identity associations."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name prefix for the IAM roles, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "cluster_name" {
  description = "EKS cluster the Pod Identity associations belong to."
  type        = string

  validation {
    condition     = length(var.cluster_name) > 0
    error_message = "cluster_name must not be empty."
  }
}

variable "app_namespace" {
  description = "Kubernetes namespace of the FediFlow services (fediflow-staging or fediflow-production)."
  type        = string

  validation {
    condition     = contains(["fediflow-staging", "fediflow-production"], var.app_namespace)
    error_message = "app_namespace must be fediflow-staging or fediflow-production."
  }
}

variable "secret_name_prefix" {
  description = "Secrets Manager name prefix External Secrets may read, e.g. fediflow/production."
  type        = string

  validation {
    condition     = can(regex("^fediflow/(staging|production)$", var.secret_name_prefix))
    error_message = "secret_name_prefix must be fediflow/staging or fediflow/production."
  }
}

variable "queue_arns" {
  description = "SQS queues the federation service enqueues inbound activities to (the activity-processor queue)."
  type        = list(string)

  validation {
    condition     = length(var.queue_arns) > 0 && alltrue([for arn in var.queue_arns : can(regex("^arn:aws[a-z-]*:sqs:", arn))])
    error_message = "queue_arns must be SQS queue ARNs (at least one: an empty list would grant nothing a policy can hold)."
  }
}

variable "external_secrets_namespace" {
  description = "Namespace of the External Secrets Operator service account."
  type        = string
  default     = "external-secrets"
}

variable "fluent_bit_namespace" {
  description = "Namespace of the Fluent Bit service account."
  type        = string
  default     = "logging"
}

variable "log_retention_days" {
  description = "Days to keep application logs shipped by Fluent Bit."
  type        = number
  default     = 30

  validation {
    condition     = contains([7, 14, 30, 60, 90, 180, 365], var.log_retention_days)
    error_message = "log_retention_days must be one of 7, 14, 30, 60, 90, 180, 365."
  }
}

variable "dns_zone_name" {
  description = "Public Route 53 zone cert-manager answers DNS-01 challenges in (e.g. fediflow.example)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "media_bucket_arn" {
  description = "The media bucket (media-storage module) whose objects the api and workers may put, get and delete."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]+$", var.media_bucket_arn))
    error_message = "media_bucket_arn must be an S3 bucket ARN."
  }
}

variable "media_kms_key_arn" {
  description = "The KMS key the media bucket encrypts with."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.media_kms_key_arn))
    error_message = "media_kms_key_arn must be a KMS key ARN."
  }
}
