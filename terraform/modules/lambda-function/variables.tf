variable "function_name" {
  description = "Name of the function; its log group is /aws/lambda/<function_name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,63}$", var.function_name))
    error_message = "function_name must be 3-64 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "description" {
  description = "What the function does (shown in the Lambda console)."
  type        = string
}

variable "zip" {
  description = "Path of the function's package built by `nx run workers:package-lambda` (dist/lambda/<name>.zip)."
  type        = string
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

variable "timeout" {
  description = "Seconds one invocation may run (tools/invoke-lambda.ts uses the same figures locally)."
  type        = number
}

variable "memory_size" {
  description = "MiB of memory (CPU scales with it)."
  type        = number
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions: the most invocations that run at once, and the capacity no other function can take."
  type        = number
}

variable "environment" {
  description = "Environment variables. Secrets are passed as <NAME>_SSM_PARAMETER names, never as values (TF-LAMBDA-NO-SECRET-ENV)."
  type        = map(string)
}

variable "parameters" {
  description = "SSM parameter names the function reads at init through the Parameters and Secrets extension."
  type        = list(string)
}

variable "parameters_kms_key_arn" {
  description = "Customer-managed KMS key of the SecureString parameters; null for the AWS-managed aws/ssm key."
  type        = string
  default     = null
}

variable "parameters_extension_layer_arn" {
  description = "ARN of the AWS Parameters and Secrets Lambda Extension layer (arm64) of the region."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:[0-9]+$", var.parameters_extension_layer_arn))
    error_message = "parameters_extension_layer_arn must be a version of the AWS-Parameters-and-Secrets-Lambda-Extension-Arm64 layer."
  }
}

variable "policy_json" {
  description = "Further IAM policy statements of this function (a policy document's JSON), merged with the ones every function gets: its own logs, its parameters, VPC networking."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Private subnets the function runs in (PostgreSQL and Redis are private)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must name at least two subnets (two availability zones)."
  }
}

variable "security_group_ids" {
  description = "Security groups of the function's network interfaces."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1
    error_message = "security_group_ids must name at least one security group."
  }
}

variable "errors_alarm" {
  description = "The Errors alarm: after how many 5-minute periods with a failed invocation it fires, and what the operator is told."
  type = object({
    evaluation_periods = number
    description        = string
  })
}

variable "throttles_alarm_description" {
  description = "What the operator is told when the function is throttled."
  type        = string
}

variable "alarm_actions" {
  description = "SNS topics notified when an alarm fires (and recovers)."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Days to keep the function's logs."
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
