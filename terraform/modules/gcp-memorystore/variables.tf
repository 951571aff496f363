variable "create" {
  description = "Whether to create the instance."
  type        = bool
  default     = true
}

variable "name" {
  description = "Instance name, e.g. fediflow-dr."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,39}$", var.name))
    error_message = "name must be 3-40 lowercase letters, digits or hyphens, starting with a letter."
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

variable "memory_size_gb" {
  description = "Memory of the instance in GB."
  type        = number
  default     = 5
}

variable "network_id" {
  description = "VPC network allowed to connect."
  type        = string
}
