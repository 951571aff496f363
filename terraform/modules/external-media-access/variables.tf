variable "name" {
  description = "Name prefix, e.g. fediflow-dr; the role is <name>-media-external."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "clusters" {
  description = "Kubernetes clusters outside AWS whose api and workers service accounts may use the media bucket, by name: the OIDC issuer of their service account tokens exactly as their iss claim has it (AKS: the oidc_issuer_url output, with its trailing slash; GKE: https://container.googleapis.com/v1/projects/<project>/locations/<location>/clusters/<cluster>) and FediFlow's namespace there. Empty: nothing is created."
  type = map(object({
    issuer_url = string
    namespace  = string
  }))
  default = {}

  validation {
    condition     = alltrue([for cluster in values(var.clusters) : can(regex("^https://[^/?#:]+(/[^?#]*)?$", cluster.issuer_url))])
    error_message = "each issuer_url must be an https URL without a port, query or fragment (as the tokens' iss claim has it)."
  }
}

variable "service_accounts" {
  description = "FediFlow's service accounts (in each cluster's namespace) that read and write media."
  type        = list(string)
  default     = ["api", "workers"]
}

variable "media_policy_json" {
  description = "The media access policy the EKS workloads get (workload-identity output media_policy_json): the same for pods elsewhere."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
