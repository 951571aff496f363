variable "create" {
  description = "Whether to create the gateway and connections."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name prefix, e.g. fediflow-secondary."
  type        = string
}

variable "location" {
  description = "Azure region of the gateway (the VNet's)."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the VNet."
  type        = string
}

variable "gateway_subnet_id" {
  description = "The VNet's GatewaySubnet (terraform/modules/azure-network)."
  type        = string
}

variable "asn" {
  description = "Private BGP ASN of the Azure VPN gateway."
  type        = number
  default     = 65010

  validation {
    condition     = var.asn >= 64512 && var.asn <= 65534 && !contains([65515, 65517, 65518, 65519, 65520], var.asn)
    error_message = "asn must be a private ASN that Azure does not reserve."
  }
}

variable "aws_asn" {
  description = "BGP ASN of the AWS virtual private gateway (terraform/modules/aws-vpn amazon_side_asn)."
  type        = number
  default     = 64512
}

variable "aws_tunnels" {
  description = "AWS tunnels by name: outside address, AWS and Azure inside (APIPA) addresses, and which active-active gateway instance (0, 1) terminates it (terraform/modules/aws-vpn output tunnels)."
  type = map(object({
    outside_address  = string
    aws_inside_ip    = string
    azure_inside_ip  = string
    gateway_instance = number
  }))
  default = {}
}

variable "preshared_keys" {
  description = "Pre-shared key per AWS tunnel name, from the secret store (TF_VAR_preshared_keys); never in tfvars."
  type        = map(string)
  sensitive   = true
  default     = {}
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
