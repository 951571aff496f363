variable "region" {
  description = "Primary AWS region."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-central-1."
  }
}

variable "dr_region" {
  description = "Disaster-recovery region (backups, replicated secrets, the dr environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.dr_region))
    error_message = "dr_region must be an AWS region name such as eu-west-1."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
}

variable "node_desired_size" {
  description = "Nodes at creation (then owned by the cluster autoscaler)."
  type        = number
}

variable "eks_allowed_cidrs" {
  description = "CIDRs allowed to reach the public Kubernetes API (set TF_VAR_eks_allowed_cidrs from the CI variable)."
  type        = list(string)

  validation {
    condition     = !contains(var.eks_allowed_cidrs, "0.0.0.0/0")
    error_message = "eks_allowed_cidrs must not contain 0.0.0.0/0."
  }
}

variable "admin_role_names" {
  description = "IAM roles granted cluster-admin via EKS access entries."
  type        = list(string)
  default     = []
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
}

variable "domain" {
  description = "Public DNS zone and mail domain, e.g. example.org (TF_VAR_domain in CI)."
  type        = string
}

variable "public_host" {
  description = "Host name FediFlow is served on, relative to domain (e.g. social)."
  type        = string
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

variable "create_dns_failover" {
  description = "Create the Route53 failover records once both regions' load balancers exist (bootstrap step 5)."
  type        = bool
  default     = false
}

variable "primary_load_balancer" {
  description = "Load balancer created by the AWS Load Balancer Controller in the primary region."
  type = object({
    dns_name = string
    zone_id  = string
  })
  default = null
}

variable "dr_load_balancer" {
  description = "Load balancer created by the AWS Load Balancer Controller in the DR region."
  type = object({
    dns_name = string
    zone_id  = string
  })
  default = null
}

variable "azure_vpn_peers" {
  description = "The Azure VPN gateway's addresses (terraform/environments/azure-secondary output vpn_public_ips) with the tunnels' inside CIDRs; empty: no VPN to Azure."
  type = map(object({
    ip_address          = string
    tunnel_inside_cidrs = list(string)
  }))
  default = {}
}

variable "gcp_vpn_peers" {
  description = "The Google HA VPN interface addresses (terraform/environments/gcp-dr output vpn_interface_ips) with the tunnels' inside CIDRs; empty: no VPN to Google Cloud."
  type = map(object({
    ip_address          = string
    tunnel_inside_cidrs = list(string)
  }))
  default = {}
}

variable "vpn_preshared_keys" {
  description = "Pre-shared key per tunnel (\"<peer>-1\", \"<peer>-2\"), TF_VAR_vpn_preshared_keys from the secret store."
  type        = map(string)
  sensitive   = true
  default     = {}
}

variable "create_restore_validation" {
  description = "Whether the restoreValidation Lambda checks each weekly restore test's copy (modules/backup); needs dist/lambda/restoreValidation.zip (nx run workers:package-lambda) and parameters_extension_layer_arn."
  type        = bool
  default     = true
}

variable "parameters_extension_layer_arn" {
  description = "AWS Parameters and Secrets Lambda Extension layer (arm64) of the region (TF_VAR_parameters_extension_layer_arn in CI); needed with create_restore_validation."
  type        = string
  default     = null
}
