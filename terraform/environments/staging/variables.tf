variable "region" {
  description = "AWS region."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-central-1."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version (staging upgrades first)."
  type        = string
}

variable "node_desired_size" {
  description = "Nodes at creation (then owned by the cluster autoscaler)."
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
  description = "RDS instance class."
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

variable "workers_runtime" {
  description = "Where inbound activities and the email digest run: kubernetes (the workers) or lambda (modules/serverless-workers; the overlay must then set INBOUND_QUEUE=sqs)."
  type        = string
  default     = "kubernetes"

  validation {
    condition     = contains(["kubernetes", "lambda"], var.workers_runtime)
    error_message = "workers_runtime must be kubernetes or lambda."
  }
}

variable "public_origin" {
  description = "PUBLIC_ORIGIN of the environment, as in its Kustomize overlay."
  type        = string
}

variable "parameters_extension_layer_arn" {
  description = "AWS Parameters and Secrets Lambda Extension layer (arm64) of the region (TF_VAR_parameters_extension_layer_arn in CI); needed with workers_runtime = lambda."
  type        = string
  default     = null
}
