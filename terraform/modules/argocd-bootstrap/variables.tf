variable "create" {
  description = "Whether to install Argo CD and the app-of-apps Application."
  type        = bool
  default     = true
}

variable "namespace" {
  description = "Namespace Argo CD runs in."
  type        = string
  default     = "argocd"
}

variable "chart_version" {
  description = "Version of the argo-cd Helm chart (exact)."
  type        = string
  default     = "9.5.4"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.chart_version))
    error_message = "chart_version must be an exact version such as 9.5.4."
  }
}

variable "apps_chart_version" {
  description = "Version of the argocd-apps Helm chart (exact)."
  type        = string
  default     = "2.0.2"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.apps_chart_version))
    error_message = "apps_chart_version must be an exact version such as 2.0.2."
  }
}

variable "repository_url" {
  description = "Git repository Argo CD syncs from (this monorepo)."
  type        = string

  validation {
    condition     = can(regex("^(https://|git@)", var.repository_url))
    error_message = "repository_url must be an https:// or git@ URL."
  }
}

variable "target_revision" {
  description = "Branch, tag or commit the app-of-apps tracks."
  type        = string
  default     = "main"
}

variable "cluster" {
  description = "Which argocd/clusters/<cluster> entry point this cluster's Argo CD syncs (staging, production, dr)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*$", var.cluster))
    error_message = "cluster must be the name of a directory under argocd/clusters."
  }
}

variable "high_availability" {
  description = "Run the Argo CD server and repo server with two replicas each."
  type        = bool
  default     = false
}
