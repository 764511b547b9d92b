# The secrets gitops/ reads through External Secrets, named parley/<environment>/<name> and holding
# exactly the JSON the ExternalSecrets template (gitops/README.md, "Secrets"). None of their values
# ever enters the Terraform state or plan: they come from ephemeral resources and are written
# through the write-only secret_string_wo, which Terraform sends once per secret_string_wo_version.

locals {
  secret_names = {
    database         = "parley/${var.environment}/database"
    rabbitmq         = "parley/${var.environment}/rabbitmq"
    jwt_signing_keys = "parley/${var.environment}/jwt-signing-keys"
    grafana_admin    = "parley/${var.environment}/grafana-admin"
  }

  secret_descriptions = {
    database         = "PostgreSQL connection of the Parley services (copy of the RDS-managed master credentials)"
    rabbitmq         = "RabbitMQ (AMQPS) connection of the Parley services"
    jwt_signing_keys = "EC P-256 private keys (PKCS#8 PEM) auth signs access tokens with, one <kid>.pem each"
    grafana_admin    = "Grafana administrator of the cluster's kube-prometheus-stack"
  }

  # The database and broker connections are copies: they follow credentials_version. The signing key
  # and Grafana's password are generated once and then rotated outside Terraform (README.md).
  secret_versions = {
    database         = var.credentials_version
    rabbitmq         = var.credentials_version
    jwt_signing_keys = 1
    grafana_admin    = 1
  }

  database_master = jsondecode(ephemeral.aws_secretsmanager_secret_version.database_master.secret_string)
  rabbitmq_source = jsondecode(ephemeral.aws_secretsmanager_secret_version.rabbitmq.secret_string)
  rabbitmq_url    = regex("^amqps://(?P<host>[^:/]+):(?P<port>[0-9]+)$", var.rabbitmq.endpoint)

  # Key for key what gitops/components/managed-data/external-secrets.yaml and
  # gitops/platform/secret-store/cluster-secret-store.yaml read; a test compares them.
  secret_values = {
    database = {
      username = local.database_master.username
      password = local.database_master.password
      host     = var.database.host
      port     = var.database.port
      dbname   = var.database.name
    }
    rabbitmq = {
      username = local.rabbitmq_source.username
      password = local.rabbitmq_source.password
      host     = local.rabbitmq_url.host
      port     = tonumber(local.rabbitmq_url.port)
    }
    jwt_signing_keys = {
      (local.signing_key_file) = ephemeral.tls_private_key.jwt_signing.private_key_pem_pkcs8
    }
    grafana_admin = {
      "admin-user"     = "admin"
      "admin-password" = ephemeral.random_password.grafana_admin.result
    }
  }

  signing_key_file = "${var.signing_key_id}.pem"
}

# RDS generates and rotates the master password in its own secret; the services get a copy in the
# shape they read. Opened during plan and apply only, never stored.
ephemeral "aws_secretsmanager_secret_version" "database_master" {
  secret_id = var.database.secret_arn
}

ephemeral "aws_secretsmanager_secret_version" "rabbitmq" {
  secret_id = var.rabbitmq.secret_arn
}

# A fresh key on every run, written only with version 1 of the secret (the first apply).
ephemeral "tls_private_key" "jwt_signing" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

ephemeral "random_password" "grafana_admin" {
  length  = 32
  special = false
}

module "secrets_key" {
  source = "../kms-key"

  description = "${var.cluster_name} secrets read by External Secrets (parley/${var.environment}/*)"
  alias       = "${var.cluster_name}-platform-secrets"

  tags = var.tags
}

# The key was a resource of this module before it used kms-key; moving it keeps the deployed key,
# since a new one could not decrypt the secrets.
moved {
  from = aws_kms_key.secrets
  to   = module.secrets_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.secrets
  to   = module.secrets_key.aws_kms_alias.this
}

resource "aws_secretsmanager_secret" "platform" {
  #checkov:skip=CKV2_AWS_57:copies follow their source (RDS rotates the master password; credentials_version copies it again) and the signing key and Grafana password rotate by the procedure in README.md, which no rotation Lambda could follow
  for_each = local.secret_names

  name                    = each.value
  description             = local.secret_descriptions[each.key]
  kms_key_id              = module.secrets_key.arn
  recovery_window_in_days = 7

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "platform" {
  for_each = local.secret_names

  secret_id                = aws_secretsmanager_secret.platform[each.key].id
  secret_string_wo         = jsonencode(local.secret_values[each.key])
  secret_string_wo_version = local.secret_versions[each.key]

  lifecycle {
    # Rotating the signing key or Grafana's password adds versions outside Terraform; Terraform must
    # not move AWSCURRENT back to the version it wrote.
    ignore_changes = [version_stages]
  }
}
