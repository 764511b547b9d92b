variable "environment" {
  description = "Environment the cluster serves; selects the default GitOps path."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "environment must be dev, staging or production."
  }
}

variable "cluster_name" {
  description = "Name of the EKS cluster Argo CD is installed into."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (kubernetes module output `oidc_provider_arn`)."
  type        = string
}

variable "oidc_issuer_host" {
  description = "OIDC issuer without `https://` (kubernetes module output `oidc_issuer_host`)."
  type        = string
}

variable "repository_url" {
  description = "HTTPS URL of the Git repository Argo CD syncs from."
  type        = string

  validation {
    condition     = startswith(var.repository_url, "https://")
    error_message = "repository_url must be an https:// URL."
  }
}

variable "target_revision" {
  description = "Branch, tag or commit of the repository Argo CD follows."
  type        = string
  default     = "main"
}

variable "gitops_path" {
  description = "Path in the repository of the environment's root application (app of apps). Null means `gitops/bootstrap/<environment>`."
  type        = string
  default     = null
}

variable "argocd_namespace" {
  description = "Namespace Argo CD is installed into."
  type        = string
  default     = "argocd"
}

variable "argocd_chart_version" {
  description = "Exact version of the argo-cd Helm chart."
  type        = string
  default     = "8.5.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.argocd_chart_version))
    error_message = "argocd_chart_version must be an exact version such as 8.5.0, not a range."
  }
}

variable "argocd_apps_chart_version" {
  description = "Exact version of the argocd-apps Helm chart that creates the root application."
  type        = string
  default     = "2.0.2"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.argocd_apps_chart_version))
    error_message = "argocd_apps_chart_version must be an exact version such as 2.0.2, not a range."
  }
}

variable "external_secrets_service_account" {
  description = "Namespace and name of the External Secrets Operator service account that may assume the secrets-reader role."
  type = object({
    namespace = optional(string, "external-secrets")
    name      = optional(string, "external-secrets")
  })
  default = {}
}

variable "database" {
  description = "PostgreSQL facts handed to Argo CD (postgres module outputs)."
  type = object({
    host       = string
    port       = number
    name       = string
    secret_arn = string
  })
}

variable "rabbitmq" {
  description = "RabbitMQ facts handed to Argo CD (rabbitmq module outputs)."
  type = object({
    endpoint   = string
    secret_arn = string
  })
}

variable "secret_kms_key_arns" {
  description = "KMS keys of the secrets External Secrets reads; its role may decrypt with them through Secrets Manager only."
  type        = list(string)

  validation {
    condition     = length(var.secret_kms_key_arns) > 0
    error_message = "secret_kms_key_arns must name the keys of the database and broker secrets."
  }
}

variable "extra_cluster_annotations" {
  description = "More facts for the GitOps side, added to the cluster secret's annotations."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags added to every AWS resource."
  type        = map(string)
  default     = {}
}
