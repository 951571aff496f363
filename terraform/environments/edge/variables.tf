variable "kubeconfig_path" {
  description = "Path of the edge cluster's kubeconfig."
  type        = string
  default     = "~/.kube/config"
}

variable "kubeconfig_context" {
  description = "Context of the edge cluster in that kubeconfig."
  type        = string
  default     = "default"
}

variable "gitops_repository_url" {
  description = "Git URL of this repository for Argo CD (TF_VAR_gitops_repository_url)."
  type        = string
}

variable "gitops_target_revision" {
  description = "Branch Argo CD tracks."
  type        = string
  default     = "main"
}
