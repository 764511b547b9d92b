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

  # The External Secrets role is named "<cluster_name>-external-secrets", and IAM names stop at 64.
  validation {
    condition     = length(var.cluster_name) <= 47
    error_message = "cluster_name must be at most 47 characters (the External Secrets role name adds 17)."
  }
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
  default     = "10.2.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.argocd_chart_version))
    error_message = "argocd_chart_version must be an exact version such as 10.2.1, not a range."
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
  description = "PostgreSQL the services use (postgres module outputs). `master_secret_arn` is the RDS-managed master secret (`master_user_secret_arn`), encrypted with `master_secret_kms_key_arn` (`kms_key_arn`): External Secrets may read it, for the migration Jobs that create the service roles; this module never reads or copies it."
  type = object({
    host                      = string
    port                      = number
    name                      = string
    master_secret_arn         = string
    master_secret_kms_key_arn = string
  })
}

variable "rabbitmq" {
  description = "RabbitMQ the services use (rabbitmq module outputs): `endpoint` is `amqps://<host>:5671`, `management_url` the HTTPS management API; `admin_secret_arn`, `admin_secret_name` and `admin_secret_kms_key_arn` are the administrator secret (`credentials_secret_arn`, `credentials_secret_name`, `credentials_kms_key_arn`), which External Secrets may read for the migration Jobs that create the service users; this module never reads or copies it."
  type = object({
    endpoint                 = string
    management_url           = string
    admin_secret_arn         = string
    admin_secret_name        = string
    admin_secret_kms_key_arn = string
  })

  validation {
    condition     = can(regex("^amqps://[^:/]+:5671$", var.rabbitmq.endpoint))
    error_message = "rabbitmq.endpoint must be amqps://<host>:5671: the services speak AMQP over TLS only."
  }

  validation {
    condition     = startswith(var.rabbitmq.management_url, "https://")
    error_message = "rabbitmq.management_url must be an https:// URL (the broker's console_url)."
  }
}

variable "security_group_ids" {
  description = "Security groups handed to gitops/ for the SecurityGroupPolicies of the pods that own data and of Prometheus: `postgres_clients` and `rabbitmq_clients` (network module outputs), which alone the data stores admit, `rabbitmq_metrics_clients` (network module output), which the broker admits on its metrics port only, and `cluster` (kubernetes module `cluster_security_group_id`), which those pods keep for the rest of the cluster."
  type = object({
    cluster                  = string
    postgres_clients         = string
    rabbitmq_clients         = string
    rabbitmq_metrics_clients = string
  })
}

variable "credential_versions" {
  description = "Version of each service password, by secret (`<service>/database`, `<service>/database-migrator`, `<service>/rabbitmq`, `monitoring/database`, `monitoring/rabbitmq`); unlisted ones are 1. A password is generated and written once per version: raise one to rotate it (README.md, Rotating a service password)."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for key, version in var.credential_versions : contains(keys(local.service_credentials), key) && version >= 1 && floor(version) == version])
    error_message = "credential_versions keys must be <service>/database, <service>/database-migrator or <service>/rabbitmq of auth, messaging or notification, or monitoring/database or monitoring/rabbitmq, and each version a whole number of at least 1."
  }
}

variable "signing_key_id" {
  description = "Key id (`kid`) of the first access-token signing key, generated into `parley/<environment>/jwt-signing-keys` as `<kid>.pem`. Auth signs with the name that sorts last, so later keys need later names (e.g. dates)."
  type        = string
  default     = "0000-initial"

  validation {
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z._-]{0,62}$", var.signing_key_id))
    error_message = "signing_key_id must be 1-63 letters, digits, dots, underscores or hyphens (a Kubernetes Secret key without .pem)."
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
