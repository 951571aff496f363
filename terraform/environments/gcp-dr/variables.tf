variable "project_id" {
  description = "Google Cloud project of the DR environment."
  type        = string
}

variable "region" {
  description = "Region of the DR environment."
  type        = string

  validation {
    condition     = startswith(var.region, "europe-")
    error_message = "region must be a europe-* region (data residency)."
  }
}

variable "address_space" {
  description = "CIDR the network is cut from, distinct from AWS (10.10-10.30) and Azure (10.40)."
  type        = string
}

variable "kubernetes_version" {
  description = "GKE Kubernetes minor (keep equal to the AWS clusters)."
  type        = string
}

variable "master_authorized_cidrs" {
  description = "Ranges allowed to reach the GKE control plane (the VPN from the operators' network)."
  type        = list(string)
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
  description = "The AWS ends of the VPN (terraform/environments/production output vpn_tunnels.gcp); empty until that apply."
  type = map(object({
    interface        = number
    outside_address  = string
    aws_inside_ip    = string
    google_inside_ip = string
  }))
  default = {}
}

variable "vpn_preshared_keys" {
  description = "Pre-shared key per AWS tunnel (TF_VAR_vpn_preshared_keys from the secret store)."
  type        = map(string)
  sensitive   = true
  default     = {}
}
