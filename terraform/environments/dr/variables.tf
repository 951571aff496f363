variable "region" {
  description = "DR AWS region (where this environment runs)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "primary_region" {
  description = "Region of the production environment this one stands in for."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.primary_region))
    error_message = "primary_region must be an AWS region name such as eu-central-1."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC (distinct from production, so the two can be peered)."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version (keep equal to production)."
  type        = string
}

variable "node_desired_size" {
  description = "Nodes while idle; scale up on failover (the node group allows up to 10)."
  type        = number
}

variable "eks_allowed_cidrs" {
  description = "CIDRs allowed to reach the public Kubernetes API (TF_VAR_eks_allowed_cidrs in CI)."
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
  description = "Instance class of the standby replica (resize on failover if needed)."
  type        = string
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
}

variable "domain" {
  description = "Public DNS zone and mail domain (TF_VAR_domain in CI)."
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

variable "media_replication_enabled" {
  description = "Whether production's media bucket replicates into this environment's; false after a failover, before the old primary region can run anything again (its deletes would replicate into the bucket now in use)."
  type        = bool
  default     = true
}

variable "external_media_clusters" {
  description = "Clusters outside AWS that serve this region's media (the secondary clouds): the issuer of their service account tokens (terraform/environments/azure-secondary output aks_oidc_issuer_url, gcp-dr output gke_oidc_issuer_url) and FediFlow's namespace there."
  type = map(object({
    issuer_url = string
    namespace  = string
  }))
  default = {}
}
