variable "subscription_id" {
  description = "Azure subscription of the secondary environment."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.subscription_id))
    error_message = "subscription_id must be a subscription GUID."
  }
}

variable "location" {
  description = "Azure region of the secondary environment."
  type        = string

  validation {
    condition     = contains(["westeurope", "germanywestcentral", "northeurope"], var.location)
    error_message = "location must be an EU region (data residency: westeurope, germanywestcentral or northeurope)."
  }
}

variable "address_space" {
  description = "VNet CIDR, distinct from the AWS VPCs (10.10-10.30) and Google Cloud (10.50)."
  type        = string
}

variable "kubernetes_version" {
  description = "AKS Kubernetes minor (keep equal to the AWS clusters)."
  type        = string
}

variable "api_authorized_ip_ranges" {
  description = "Unused while the API server is private; kept for a break-glass public API."
  type        = list(string)
  default     = []
}

variable "gitops_repository_url" {
  description = "Git URL of this repository for Argo CD (TF_VAR_gitops_repository_url in CI)."
  type        = string
}

variable "gitops_target_revision" {
  description = "Branch Argo CD tracks."
  type        = string
  default     = "main"
}

variable "aws_vpn_tunnels" {
  description = "The AWS ends of the VPN (terraform/environments/production output vpn_tunnels.azure); empty until that apply."
  type = map(object({
    outside_address  = string
    aws_inside_ip    = string
    azure_inside_ip  = string
    gateway_instance = number
  }))
  default = {}
}

variable "vpn_preshared_keys" {
  description = "Pre-shared key per AWS tunnel (TF_VAR_vpn_preshared_keys from the secret store)."
  type        = map(string)
  sensitive   = true
  default     = {}
}

variable "domain" {
  description = "The public domain (served by Route 53 and, for cross-cloud failover, Azure DNS)."
  type        = string
}

variable "failover_endpoints" {
  description = "Every cloud's gateway address with its failover priority (1 AWS primary, 2 AWS dr, 3 Azure, 4 Google Cloud)."
  type = map(object({
    target   = string
    priority = number
  }))
  default = {}
}
