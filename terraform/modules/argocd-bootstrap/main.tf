locals {
  replicas = var.high_availability ? 2 : 1
}

resource "helm_release" "this" {
  count = var.create ? 1 : 0

  name             = "argocd"
  repository       = "https://argoproj.github.io/argo-helm"
  chart            = "argo-cd"
  version          = var.chart_version
  namespace        = var.namespace
  create_namespace = true
  atomic           = true
  timeout          = 600

  values = [yamlencode({
    configs = {
      params = {
        "application.namespaces" = var.namespace
      }
    }
    server     = { replicas = local.replicas }
    repoServer = { replicas = local.replicas }
  })]
}

# The one Application Terraform owns: it points Argo CD at argocd/ in this repository, and
# everything else (add-ons, FediFlow itself) arrives from there.
resource "helm_release" "apps" {
  count = var.create ? 1 : 0

  name       = "argocd-apps"
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argocd-apps"
  version    = var.apps_chart_version
  namespace  = var.namespace

  values = [yamlencode({
    applications = {
      root = {
        namespace  = var.namespace
        project    = "default"
        finalizers = ["resources-finalizer.argocd.argoproj.io"]
        source = {
          repoURL        = var.repository_url
          targetRevision = var.target_revision
          path           = var.apps_path
          directory      = { recurse = true }
        }
        destination = {
          server    = "https://kubernetes.default.svc"
          namespace = var.namespace
        }
        syncPolicy = {
          automated   = { prune = true, selfHeal = true }
          syncOptions = ["CreateNamespace=true"]
          retry = {
            limit   = 5
            backoff = { duration = "10s", factor = 2, maxDuration = "3m" }
          }
        }
      }
    }
  })]

  depends_on = [helm_release.this]
}
