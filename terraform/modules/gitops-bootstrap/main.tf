data "aws_region" "current" {}

locals {
  gitops_path       = coalesce(var.gitops_path, "gitops/bootstrap/${var.environment}")
  root_app_name     = "parley-${var.environment}"
  in_cluster_server = "https://kubernetes.default.svc"

  # The contract with gitops/: ApplicationSets read these from the cluster generator's
  # metadata.annotations. Documented in README.md; renaming a key breaks the GitOps side.
  cluster_facts = merge(var.extra_cluster_annotations, {
    "parley.dev/environment"               = var.environment
    "parley.dev/aws-region"                = data.aws_region.current.region
    "parley.dev/cluster-name"              = var.cluster_name
    "parley.dev/database-host"             = var.database.host
    "parley.dev/database-port"             = tostring(var.database.port)
    "parley.dev/database-name"             = var.database.name
    "parley.dev/database-secret-arn"       = var.database.secret_arn
    "parley.dev/rabbitmq-endpoint"         = var.rabbitmq.endpoint
    "parley.dev/rabbitmq-secret-arn"       = var.rabbitmq.secret_arn
    "parley.dev/external-secrets-role-arn" = aws_iam_role.external_secrets.arn
  })
}

resource "kubernetes_namespace_v1" "argocd" {
  metadata {
    name = var.argocd_namespace
    labels = {
      "pod-security.kubernetes.io/enforce" = "baseline"
      "pod-security.kubernetes.io/warn"    = "restricted"
    }
  }
}

resource "helm_release" "argocd" {
  name       = "argocd"
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argo-cd"
  version    = var.argocd_chart_version
  namespace  = kubernetes_namespace_v1.argocd.metadata[0].name
  timeout    = 900
  wait       = true

  values = [yamlencode({
    dex = { enabled = false }
    configs = {
      params = { "server.insecure" = false }
    }
  })]
}

# Declaring the in-cluster destination as a cluster secret lets it carry the facts as
# annotations.
resource "kubernetes_secret_v1" "in_cluster" {
  metadata {
    name      = "cluster-in-cluster"
    namespace = kubernetes_namespace_v1.argocd.metadata[0].name
    labels = {
      "argocd.argoproj.io/secret-type" = "cluster"
      "parley.dev/environment"         = var.environment
    }
    annotations = local.cluster_facts
  }

  data = {
    name   = "in-cluster"
    server = local.in_cluster_server
    config = jsonencode({ tlsClientConfig = { insecure = false } })
  }
}

# The Application CRD only exists once the argo-cd chart is installed, so the root application
# comes from a second chart instead of a kubernetes_manifest, which would need the CRD at plan time.
resource "helm_release" "root_application" {
  name       = "parley-root"
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argocd-apps"
  version    = var.argocd_apps_chart_version
  namespace  = kubernetes_namespace_v1.argocd.metadata[0].name

  values = [yamlencode({
    applications = {
      (local.root_app_name) = {
        namespace  = kubernetes_namespace_v1.argocd.metadata[0].name
        project    = "default"
        finalizers = ["resources-finalizer.argocd.argoproj.io"]
        source = {
          repoURL        = var.repository_url
          targetRevision = var.target_revision
          path           = local.gitops_path
        }
        destination = {
          server    = local.in_cluster_server
          namespace = kubernetes_namespace_v1.argocd.metadata[0].name
        }
        syncPolicy = {
          automated   = { prune = true, selfHeal = true }
          syncOptions = ["CreateNamespace=true"]
        }
      }
    }
  })]

  depends_on = [helm_release.argocd, kubernetes_secret_v1.in_cluster]
}
