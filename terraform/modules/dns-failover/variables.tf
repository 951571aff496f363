variable "create" {
  description = "Whether to create the health check and failover records (needs both load balancers to exist)."
  type        = bool
  default     = true
}

variable "zone_name" {
  description = "Route53 public hosted zone holding the host name, e.g. example.org."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.zone_name))
    error_message = "zone_name must be a lowercase DNS name."
  }
}

variable "host" {
  description = "Public host name of FediFlow, e.g. social.example.org."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.host))
    error_message = "host must be a lowercase DNS name."
  }
}

variable "request_interval" {
  description = "Seconds between health checks (10 = fast checks)."
  type        = number
  default     = 10

  validation {
    condition     = contains([10, 30], var.request_interval)
    error_message = "request_interval must be 10 or 30."
  }
}

variable "failure_threshold" {
  description = "Consecutive failures before the primary is considered down."
  type        = number
  default     = 3

  validation {
    condition     = var.failure_threshold >= 1 && var.failure_threshold <= 10
    error_message = "failure_threshold must be between 1 and 10."
  }
}

variable "primary" {
  description = "Load balancer of the primary region (alias target); may be null while create is false."
  type = object({
    dns_name = string
    zone_id  = string
  })
}

variable "secondary" {
  description = "Load balancer of the DR region (alias target); may be null while create is false."
  type = object({
    dns_name = string
    zone_id  = string
  })
}

variable "tags" {
  description = "Tags added to the health check."
  type        = map(string)
  default     = {}
}
