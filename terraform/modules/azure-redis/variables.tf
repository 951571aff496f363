variable "create" {
  description = "Whether to create the cache and its private endpoint."
  type        = bool
  default     = true
}

variable "name" {
  description = "Cache name, e.g. fediflow-secondary."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,62}$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "location" {
  description = "Azure region of the cache."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the cache."
  type        = string
}

variable "capacity" {
  description = "Premium size (1 = P1, 6 GB)."
  type        = number
  default     = 1

  validation {
    condition     = contains([1, 2, 3, 4, 5], var.capacity)
    error_message = "capacity must be 1-5 (Premium P1-P5)."
  }
}

variable "private_endpoint_subnet_id" {
  description = "Subnet of the cache's private endpoint."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
