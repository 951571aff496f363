variable "create" {
  description = "Whether to create the cluster, its node pool and identities."
  type        = bool
  default     = true
}

variable "name" {
  description = "Cluster name, e.g. fediflow-gcp-dr."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,24}$", var.name))
    error_message = "name must be 3-25 lowercase letters, digits or hyphens (service account ids derive from it)."
  }
}

variable "project_id" {
  description = "Google Cloud project."
  type        = string
}

variable "region" {
  description = "Region of the regional cluster, e.g. europe-west3."
  type        = string
}

variable "kubernetes_version" {
  description = "GKE minor version in standard support on the REGULAR channel."
  type        = string
  default     = "1.35"

  validation {
    condition     = contains(["1.35", "1.36"], var.kubernetes_version)
    error_message = "kubernetes_version must be a GKE version in standard support: 1.35 or 1.36."
  }
}

variable "network_id" {
  description = "VPC network of the cluster."
  type        = string
}

variable "subnetwork_id" {
  description = "Subnetwork with the pods and services secondary ranges."
  type        = string
}

variable "private_endpoint" {
  description = "Control plane on its private endpoint only."
  type        = bool
  default     = true
}

variable "master_authorized_cidrs" {
  description = "CIDRs allowed to reach the control plane."
  type        = list(string)

  validation {
    condition     = length(var.master_authorized_cidrs) > 0 && !contains(var.master_authorized_cidrs, "0.0.0.0/0")
    error_message = "master_authorized_cidrs must name at least one range and not 0.0.0.0/0."
  }
}

variable "secrets_kms_key_id" {
  description = "Cloud KMS key (projects/.../cryptoKeys/...) of application-layer secrets encryption."
  type        = string
}

variable "machine_type" {
  description = "Machine type of the workload nodes."
  type        = string
  default     = "e2-standard-4"
}

variable "min_nodes" {
  description = "Fewest nodes across the region's zones."
  type        = number
  default     = 3
}

variable "max_nodes" {
  description = "Most nodes across the region's zones."
  type        = number
  default     = 12
}
