# The secrets gitops/ reads through External Secrets, named parley/<environment>/<name> and holding
# exactly the JSON the ExternalSecrets template (README.md, "Secrets"). None of their values ever
# enters the Terraform state or plan: they come from ephemeral resources and are written through the
# write-only secret_string_wo, which Terraform sends once per secret_string_wo_version.
#
# Nothing here reads or copies the RDS master password or the broker administrator's: those stay in
# the secrets RDS and the rabbitmq module keep, which External Secrets reads directly (cluster
# facts in main.tf hand over where they are).

locals {
  # The contract with gitops/: every service that owns data logs in to PostgreSQL as a runtime role
  # and, for its migrations, as a migration role that owns the schema <service>; and to RabbitMQ as
  # a user of its own in the default vhost. The init container of each service's migration Job
  # creates these roles and users (as the RDS master user and the broker administrator) with the
  # passwords generated here. The gateway owns no data and gets none. postgres_exporter reads
  # PostgreSQL as parley_monitoring (pg_monitor only), which its own provision init container creates;
  # Prometheus reads the broker's metrics as parley_monitoring (tag monitoring), which the services'
  # provision step creates.
  service_credentials = {
    "auth/database"                  = { username = "parley_auth", store = "postgres" }
    "auth/database-migrator"         = { username = "parley_auth_migrator", store = "postgres" }
    "auth/rabbitmq"                  = { username = "parley_auth", store = "rabbitmq" }
    "messaging/database"             = { username = "parley_messaging", store = "postgres" }
    "messaging/database-migrator"    = { username = "parley_messaging_migrator", store = "postgres" }
    "messaging/rabbitmq"             = { username = "parley_messaging", store = "rabbitmq" }
    "notification/database"          = { username = "parley_notification", store = "postgres" }
    "notification/database-migrator" = { username = "parley_notification_migrator", store = "postgres" }
    "notification/rabbitmq"          = { username = "parley_notification", store = "rabbitmq" }
    "monitoring/database"            = { username = "parley_monitoring", store = "postgres" }
    "monitoring/rabbitmq"            = { username = "parley_monitoring", store = "rabbitmq" }
  }

  # What a service secret holds besides username and password: where its store is.
  store_connections = {
    postgres = {
      host   = var.database.host
      port   = var.database.port
      dbname = var.database.name
    }
    rabbitmq = {
      host = local.rabbitmq_url.host
      port = tonumber(local.rabbitmq_url.port)
    }
  }

  rabbitmq_url = regex("^amqps://(?P<host>[^:/]+):(?P<port>[0-9]+)$", var.rabbitmq.endpoint)

  secret_names = merge(
    {
      jwt_signing_keys = "parley/${var.environment}/jwt-signing-keys"
      grafana_admin    = "parley/${var.environment}/grafana-admin"
    },
    { for key in keys(local.service_credentials) : key => "parley/${var.environment}/${key}" },
  )

  secret_descriptions = merge(
    {
      jwt_signing_keys = "EC P-256 private keys (PKCS#8 PEM) auth signs access tokens with, one <kid>.pem each"
      grafana_admin    = "Grafana administrator of the cluster's kube-prometheus-stack"
    },
    {
      for key, credential in local.service_credentials :
      key => "${credential.store == "postgres" ? "PostgreSQL role" : "RabbitMQ user"} ${credential.username} of ${split("/", key)[0] == "monitoring" ? "Parley's monitoring" : "the ${split("/", key)[0]} service"}"
    },
  )

  # The service passwords are written once per version (credential_versions; raising one rotates
  # that password). The signing key and Grafana's password are generated once and then rotated
  # outside Terraform (README.md).
  secret_versions = merge(
    { jwt_signing_keys = 1, grafana_admin = 1 },
    { for key in keys(local.service_credentials) : key => lookup(var.credential_versions, key, 1) },
  )

  # Key for key what gitops/components/managed-data/external-secrets.yaml and
  # gitops/platform/secret-store/cluster-secret-store.yaml read; a test compares them.
  platform_secret_values = {
    jwt_signing_keys = {
      (local.signing_key_file) = ephemeral.tls_private_key.jwt_signing.private_key_pem_pkcs8
    }
    grafana_admin = {
      "admin-user"     = "admin"
      "admin-password" = ephemeral.random_password.grafana_admin.result
    }
  }

  secret_values = merge(local.platform_secret_values, {
    for key, credential in local.service_credentials :
    key => merge(local.store_connections[credential.store], {
      username = credential.username
      password = ephemeral.random_password.service[key].result
    })
  })

  signing_key_file = "${var.signing_key_id}.pem"
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

# One password per service login, fresh on every run and written only when its version changes.
# Alphanumeric, since the ExternalSecrets put them into connection URLs.
ephemeral "random_password" "service" {
  for_each = local.service_credentials

  length  = 40
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

# The former copies of the master credentials, parley/<environment>/database and .../rabbitmq, were
# instances of this resource; dropping their keys deletes them (after the recovery window).
resource "aws_secretsmanager_secret" "platform" {
  #checkov:skip=CKV2_AWS_57:no rotation Lambda fits: service passwords rotate by raising their version in credential_versions (the migration Jobs apply it), the signing key and Grafana password by the procedures in README.md
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
