variable "create" {
  description = "Whether to create the gateway and connections (false until the peer cloud's gateway addresses exist)."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name prefix, e.g. fediflow-production-azure."
  type        = string
}

variable "vpc_id" {
  description = "VPC the virtual private gateway attaches to."
  type        = string
}

variable "vpc_cidr" {
  description = "The VPC's range: the AWS side of the traffic selectors."
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && var.vpc_cidr != "0.0.0.0/0"
    error_message = "vpc_cidr must be a private CIDR, not 0.0.0.0/0."
  }
}

variable "route_table_ids" {
  description = "Route tables that learn the peer's routes over BGP (the private and database subnets')."
  type        = list(string)
  default     = []
}

variable "amazon_side_asn" {
  description = "Private BGP ASN of the virtual private gateway."
  type        = number
  default     = 64512
}

variable "peer_asn" {
  description = "BGP ASN of the peer cloud's gateway (Azure VPN gateway or Google Cloud Router)."
  type        = number
}

variable "peer_cidr" {
  description = "The peer cloud's private range (10.40.0.0/16 Azure, 10.50.0.0/16 Google Cloud)."
  type        = string

  validation {
    condition     = can(cidrhost(var.peer_cidr, 0)) && var.peer_cidr != "0.0.0.0/0"
    error_message = "peer_cidr must be the peer's private CIDR, not 0.0.0.0/0."
  }
}

variable "peers" {
  description = "Peer gateway addresses by name (e.g. azure-0, azure-1), each with its two tunnels' /30 inside CIDRs from 169.254.0.0/16."
  type = map(object({
    ip_address          = string
    tunnel_inside_cidrs = list(string)
  }))

  validation {
    condition     = alltrue([for peer in values(var.peers) : length(peer.tunnel_inside_cidrs) == 2])
    error_message = "Each peer has exactly two tunnel inside CIDRs."
  }
}

variable "preshared_keys" {
  description = "Pre-shared key per tunnel (\"<peer>-1\", \"<peer>-2\"), from the secret store (TF_VAR_preshared_keys); never in tfvars."
  type        = map(string)
  sensitive   = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
