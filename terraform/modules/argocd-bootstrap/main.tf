locals {
  replicas = var.high_availability ? 2 : 1

  # Argo CD stopped assessing the health of Application resources in 1.8, so an app-of-apps would
  # start wave 10 (FediFlow) while the add-ons of wave -6 are still coming up. This restores the
  # check documented in Argo CD's "Resource Health" page: a child Application is Healthy only
  # when it reports Healthy itself.
  application_health_lua = <<-EOT
    hs = {}
    hs.status = "Progressing"
    hs.message = ""
    if obj.status ~= nil then
      if obj.status.health ~= nil then
        hs.status = obj.status.health.status
        if obj.status.health.message ~= nil then
          hs.message = obj.status.health.message
        end
      end
    end
    return hs
  EOT
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
      cm = {
        "resource.customizations.health.argoproj.io_Application" = local.application_health_lua
      }
    }
    server     = { replicas = local.replicas }
    repoServer = { replicas = local.replicas }
  })]
}

# The one Application Terraform owns: it points Argo CD at this cluster's entry point,
# argocd/clusters/<cluster> (a kustomization), and everything else (add-ons, FediFlow itself)
# arrives from there, wave by wave.
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
          path           = "argocd/clusters/${var.cluster}"
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
