variable "create" {
  description = "Whether to create the cluster, its node pools and identities."
  type        = bool
  default     = true
}

variable "name" {
  description = "Cluster name, e.g. fediflow-azure-secondary."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,39}$", var.name))
    error_message = "name must be 3-40 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "location" {
  description = "Azure region, e.g. westeurope."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the cluster and its identities."
  type        = string
}

variable "kubernetes_version" {
  description = "AKS minor version (patches follow automatic_upgrade_channel = patch)."
  type        = string
  default     = "1.35"

  validation {
    condition     = contains(["1.35", "1.36"], var.kubernetes_version)
    error_message = "kubernetes_version must be an AKS version in standard support: 1.35 or 1.36."
  }
}

variable "private_cluster" {
  description = "Private API server (reachable through the VNet and its peerings only)."
  type        = bool
  default     = true
}

variable "api_authorized_ip_ranges" {
  description = "CIDRs allowed to reach a public API server; used only when private_cluster is false."
  type        = list(string)
  default     = []

  validation {
    condition     = !contains(var.api_authorized_ip_ranges, "0.0.0.0/0")
    error_message = "api_authorized_ip_ranges must not contain 0.0.0.0/0."
  }

  # A public API server with no ranges admits every address.
  validation {
    condition     = var.private_cluster || length(var.api_authorized_ip_ranges) > 0
    error_message = "api_authorized_ip_ranges must name at least one range when private_cluster is false."
  }
}

variable "etcd_key_id" {
  description = "Versioned Key Vault key id that encrypts Kubernetes secrets in etcd (KMS)."
  type        = string
}

variable "key_vault_id" {
  description = "Key Vault holding the etcd key and the secrets External Secrets reads."
  type        = string
}

variable "node_subnet_id" {
  description = "Private subnet of the node pools."
  type        = string
}

variable "system_vm_size" {
  description = "VM size of the system node pool."
  type        = string
  default     = "Standard_D4ds_v5"
}

variable "workload_vm_size" {
  description = "VM size of the workloads node pool."
  type        = string
  default     = "Standard_D4ds_v5"
}

variable "workload_min_count" {
  description = "Fewest workload nodes (one per zone)."
  type        = number
  default     = 3

  validation {
    condition     = var.workload_min_count >= 3
    error_message = "workload_min_count must be at least 3 (one node per zone)."
  }
}

variable "workload_max_count" {
  description = "Most workload nodes the autoscaler adds."
  type        = number
  default     = 12
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "Retention of the Log Analytics workspace Container Insights writes to."
  type        = number
  default     = 30

  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 730
    error_message = "log_retention_days must be between 30 and 730."
  }
}

variable "dns_zone_id" {
  description = "Azure DNS zone cert-manager solves DNS-01 in (DNS Zone Contributor); null grants nothing."
  type        = string
  default     = null
}
