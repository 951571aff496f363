variable "create" {
  description = "Whether to create the network. Set to false to skip every resource in this module."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name prefix for every resource, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC (a /16 leaves room for /20 node subnets)."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) <= 16
    error_message = "cidr must be a valid IPv4 CIDR block of size /16 or larger."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for all three AZs (cheaper; for staging and the idle DR region) instead of one per AZ."
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs in CloudWatch Logs."
  type        = number
  default     = 90

  validation {
    condition     = contains([30, 60, 90, 120, 150, 180, 365, 400, 545, 731], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch Logs retention value between 30 and 731."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
