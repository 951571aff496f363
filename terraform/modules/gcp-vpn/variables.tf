variable "create" {
  description = "Whether to create the gateway, router and tunnels."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name prefix, e.g. fediflow-dr."
  type        = string
}

variable "project_id" {
  description = "Google Cloud project."
  type        = string
}

variable "region" {
  description = "Region of the gateway (the subnetwork's)."
  type        = string
}

variable "network_id" {
  description = "VPC network (terraform/modules/gcp-network)."
  type        = string
}

variable "advertised_range" {
  description = "The only range the Cloud Router advertises to AWS: the VPC's private range."
  type        = string

  validation {
    condition     = can(cidrhost(var.advertised_range, 0)) && var.advertised_range != "0.0.0.0/0"
    error_message = "advertised_range must be the VPC's private CIDR, not 0.0.0.0/0."
  }
}

variable "asn" {
  description = "Private BGP ASN of the Cloud Router."
  type        = number
  default     = 65020
}

variable "aws_asn" {
  description = "BGP ASN of the AWS virtual private gateway (terraform/modules/aws-vpn amazon_side_asn)."
  type        = number
  default     = 64512
}

variable "aws_tunnels" {
  description = "AWS tunnels by name: external gateway interface (0-3), AWS outside address, AWS and Google inside addresses (terraform/modules/aws-vpn output tunnels)."
  type = map(object({
    interface        = number
    outside_address  = string
    aws_inside_ip    = string
    google_inside_ip = string
  }))
  default = {}
}

variable "preshared_keys" {
  description = "Pre-shared key per AWS tunnel name, from the secret store (TF_VAR_preshared_keys); never in tfvars."
  type        = map(string)
  sensitive   = true
  default     = {}
}
