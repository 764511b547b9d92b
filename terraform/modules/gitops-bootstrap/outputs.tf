output "argocd_namespace" {
  description = "Namespace Argo CD runs in."
  value       = kubernetes_namespace_v1.argocd.metadata[0].name
}

output "root_application_name" {
  description = "Name of the root Argo CD application (app of apps)."
  value       = local.root_app_name
}

output "gitops_path" {
  description = "Repository path the root application syncs."
  value       = local.gitops_path
}

output "external_secrets_role_arn" {
  description = "IRSA role ARN for the External Secrets Operator service account (`eks.amazonaws.com/role-arn` annotation)."
  value       = aws_iam_role.external_secrets.arn
}

output "cluster_facts" {
  description = "Facts handed to Argo CD as annotations of the in-cluster cluster secret."
  value       = local.cluster_facts
}

output "secret_arns" {
  description = "ARNs of the secrets this module writes for External Secrets, by key (`<service>/database`, `<service>/database-migrator`, `<service>/rabbitmq`, `monitoring/database`, `monitoring/rabbitmq`, `jwt_signing_keys`, `grafana_admin`); the values are never in the state."
  value       = { for name, secret in aws_secretsmanager_secret.platform : name => secret.arn }
}

output "secret_names" {
  description = "Secrets Manager names of those secrets, `parley/<environment>/<name>`, as gitops/ reads them."
  value       = local.secret_names
}

output "service_usernames" {
  description = "The PostgreSQL role or RabbitMQ user each service secret logs in as, by secret name: what the migration Jobs create."
  value       = { for key, credential in local.service_credentials : local.secret_names[key] => credential.username }
}

output "secrets_kms_key_arn" {
  description = "KMS key of those secrets."
  value       = module.secrets_key.arn
}
