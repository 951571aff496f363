variable "create" {
  description = "Whether to create the zone, the profile and the record."
  type        = bool
  default     = true
}

variable "name" {
  description = "Traffic Manager profile name (also its trafficmanager.net label)."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the zone and the profile."
  type        = string
}

variable "zone_name" {
  description = "The public domain, e.g. fediflow.example (the same zone Route 53 serves)."
  type        = string
}

variable "host" {
  description = "Record name inside the zone; \"@\" for the apex."
  type        = string
  default     = "@"
}

variable "ttl" {
  description = "TTL of the answers, seconds (at most 60 so that clients follow a failover quickly)."
  type        = number
  default     = 30

  validation {
    condition     = var.ttl >= 10 && var.ttl <= 60
    error_message = "ttl must be between 10 and 60 seconds."
  }
}

variable "endpoints" {
  description = "Each cloud's gateway (its load balancer's DNS name or address) by name, with its priority (1 = first choice): AWS primary, AWS dr, Azure, Google Cloud."
  type = map(object({
    target   = string
    priority = number
  }))
  default = {}

  validation {
    condition     = length(distinct([for endpoint in values(var.endpoints) : endpoint.priority])) == length(var.endpoints)
    error_message = "Endpoint priorities must be distinct."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
