data "aws_region" "current" {}

locals {
  gitops_path       = coalesce(var.gitops_path, "gitops/bootstrap/${var.environment}")
  root_app_name     = "parley-${var.environment}"
  in_cluster_server = "https://kubernetes.default.svc"

  # The contract with gitops/: the ApplicationSets under gitops/platform/apps read exactly these
  # annotations of the in-cluster cluster Secret, through the clusters generator
  # (`{{ index .metadata.annotations "parley.dev/aws-region" }}`). Renaming a key breaks the GitOps
  # side; cdktf/test/gitops-handover.test.ts compares both sides. None of them is a secret: the
  # administrator secrets are handed over by where they are, for External Secrets to read directly,
  # and the security groups are those the SecurityGroupPolicies give the pods that own data and Prometheus.
  cluster_facts = {
    "parley.dev/environment"                               = var.environment
    "parley.dev/aws-region"                                = data.aws_region.current.region
    "parley.dev/external-secrets-role-arn"                 = aws_iam_role.external_secrets.arn
    "parley.dev/database-admin-secret-arn"                 = var.database.master_secret_arn
    "parley.dev/database-endpoint"                         = "${var.database.host}:${var.database.port}"
    "parley.dev/database-name"                             = var.database.name
    "parley.dev/rabbitmq-admin-secret-name"                = var.rabbitmq.admin_secret_name
    "parley.dev/rabbitmq-management-url"                   = var.rabbitmq.management_url
    "parley.dev/cluster-security-group-id"                 = var.security_group_ids.cluster
    "parley.dev/postgres-client-security-group-id"         = var.security_group_ids.postgres_clients
    "parley.dev/rabbitmq-client-security-group-id"         = var.security_group_ids.rabbitmq_clients
    "parley.dev/rabbitmq-metrics-client-security-group-id" = var.security_group_ids.rabbitmq_metrics_clients
  }

  # The clusters generator of those ApplicationSets selects the Secret by the first label.
  cluster_secret_labels = {
    "argocd.argoproj.io/secret-type" = "cluster"
    "parley.dev/environment"         = var.environment
  }
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

# The chart values live in argocd-values.yaml, which also holds the health check that makes sync
# waves wait for child Applications (gitops/README.md, "Argo CD").
resource "helm_release" "argocd" {
  name       = "argocd"
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argo-cd"
  version    = var.argocd_chart_version
  namespace  = kubernetes_namespace_v1.argocd.metadata[0].name
  timeout    = 900
  wait       = true

  values = [file("${path.module}/argocd-values.yaml")]
}

# Declaring the in-cluster destination as a cluster secret lets it carry the facts as
# annotations. The facts win over extra_cluster_annotations of the same name.
resource "kubernetes_secret_v1" "in_cluster" {
  metadata {
    name        = "cluster-in-cluster"
    namespace   = kubernetes_namespace_v1.argocd.metadata[0].name
    labels      = local.cluster_secret_labels
    annotations = merge(var.extra_cluster_annotations, local.cluster_facts)
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

  # The secrets exist before Argo CD syncs the ExternalSecrets that read them.
  depends_on = [
    helm_release.argocd,
    kubernetes_secret_v1.in_cluster,
    aws_secretsmanager_secret_version.platform,
    aws_iam_role_policy.external_secrets,
  ]
}
