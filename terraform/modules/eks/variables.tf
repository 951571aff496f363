variable "create" {
  description = "Whether to create the cluster and everything that belongs to it."
  type        = bool
  default     = true
}

variable "name" {
  description = "Cluster name, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,38}$", var.name))
    error_message = "name must be 3-39 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane (a version EKS supports in standard support)."
  type        = string
  default     = "1.35"

  # 1.34 left EKS standard support on 2026-12-02; tools/terraform's TF-EKS-VERSION keeps the dates.
  validation {
    condition     = contains(["1.35", "1.36"], var.kubernetes_version)
    error_message = "kubernetes_version must be 1.35 or 1.36 (versions in EKS standard support)."
  }
}

variable "subnet_ids" {
  description = "Private subnets (one per AZ) for the control-plane ENIs and the managed node group."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 3
    error_message = "subnet_ids must list at least three subnets, one per availability zone."
  }
}

variable "endpoint_public_access" {
  description = "Expose the Kubernetes API publicly, limited to allowed_cidrs. The private endpoint is always on."
  type        = bool
  default     = true
}

variable "allowed_cidrs" {
  description = "CIDR blocks allowed to reach the public Kubernetes API endpoint (office, VPN, CI runners)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.allowed_cidrs : can(cidrhost(cidr, 0))])
    error_message = "allowed_cidrs must contain valid IPv4 CIDR blocks."
  }

  validation {
    condition     = !contains(var.allowed_cidrs, "0.0.0.0/0")
    error_message = "allowed_cidrs must not contain 0.0.0.0/0: the public API endpoint is never open to the internet."
  }

  # An empty public_access_cidrs means 0.0.0.0/0 to EKS.
  validation {
    condition     = !var.endpoint_public_access || length(var.allowed_cidrs) > 0
    error_message = "allowed_cidrs must list at least one CIDR while endpoint_public_access is true (EKS opens an empty list to 0.0.0.0/0)."
  }
}

variable "log_retention_days" {
  description = "Days to keep the control-plane logs in CloudWatch Logs."
  type        = number
  default     = 90

  validation {
    condition     = contains([30, 60, 90, 120, 150, 180, 365, 400, 545, 731], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value between 30 and 731."
  }
}

variable "node_instance_types" {
  description = "Instance types of the managed node group (ON_DEMAND)."
  type        = list(string)
  default     = ["t3.large", "t3.xlarge"]

  validation {
    condition     = length(var.node_instance_types) > 0 && alltrue([for t in var.node_instance_types : contains(["t3.large", "t3.xlarge"], t)])
    error_message = "node_instance_types must be a non-empty subset of t3.large and t3.xlarge."
  }
}

variable "node_min_size" {
  description = "Minimum number of nodes."
  type        = number
  default     = 1

  validation {
    condition     = var.node_min_size >= 1
    error_message = "node_min_size must be at least 1."
  }
}

variable "node_max_size" {
  description = "Maximum number of nodes."
  type        = number
  default     = 10

  validation {
    condition     = var.node_max_size >= 1 && var.node_max_size <= 50
    error_message = "node_max_size must be between 1 and 50."
  }
}

variable "node_desired_size" {
  description = "Number of nodes at creation. Later changes are ignored: the cluster autoscaler owns it."
  type        = number
  default     = 3

  validation {
    condition     = var.node_desired_size >= 1
    error_message = "node_desired_size must be at least 1."
  }
}

variable "admin_role_names" {
  description = "IAM role names (with path, if any) in this account granted cluster-admin through EKS access entries."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.admin_role_names : !startswith(name, "arn:")])
    error_message = "admin_role_names takes role names, not ARNs: the account id comes from the caller identity."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "node_volume_size" {
  description = "Root volume size of each node in GiB (gp3, encrypted)."
  type        = number
  default     = 50

  validation {
    condition     = var.node_volume_size >= 20 && var.node_volume_size <= 500
    error_message = "node_volume_size must be between 20 and 500 GiB."
  }
}
