locals {
  amqps_port = 5671
  # The RabbitMQ management UI and HTTP API (instances[0].console_url), which the services' migration
  # Jobs call as the administrator to create one user per service.
  management_port = 443
  subnet_ids      = var.deployment_mode == "SINGLE_INSTANCE" ? [var.subnet_ids[0]] : var.subnet_ids

  amqp_endpoint  = aws_mq_broker.this.instances[0].endpoints[0]
  amqp_host      = regex("^amqps://([^:/]+)", local.amqp_endpoint)[0]
  management_url = aws_mq_broker.this.instances[0].console_url

  # One ingress rule per allowed group and port: clients on both ports, metrics readers on the
  # console port only (Amazon MQ serves /metrics there).
  ingress = merge(concat(
    [
      for group, id in var.allowed_security_groups : {
        for name, port in { amqps = local.amqps_port, management = local.management_port } :
        "${group}-${name}" => { group = group, id = id, name = name, port = port }
      }
    ],
    [
      for group, id in var.metrics_security_groups : {
        "${group}-metrics" = { group = group, id = id, name = "metrics", port = local.management_port }
      }
    ],
  )...)
}

resource "aws_security_group" "this" {
  name        = "${var.name}-rabbitmq"
  description = "RabbitMQ ${var.name}: AMQPS and the management API only from its client security groups"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-rabbitmq" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = local.ingress

  security_group_id            = aws_security_group.this.id
  description                  = "${lookup({ amqps = "AMQPS", management = "Management API (HTTPS)" }, each.value.name, "Prometheus metrics (HTTPS)")} from ${each.value.group}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.id

  tags = var.tags
}

# The administrator's password. Amazon MQ rejects commas, colons and equals signs in passwords, so it
# is alphanumeric and long instead. It is in the state twice, here and in the broker's user block:
# aws_mq_broker has no write-only password argument (provider 6.25), and a non-ephemeral argument
# cannot take an ephemeral value. Rotating it once after the first apply (README.md) leaves both
# copies worthless. The services never use it: each connects as its own user (gitops-bootstrap).
resource "random_password" "admin" {
  length  = 40
  special = false
}

# Audit logs exist for ActiveMQ only; RabbitMQ brokers reject logs { audit = true }, so the general
# log (connections, channels, authentication failures) is the audit trail.
#trivy:ignore:AVD-AWS-0070
resource "aws_mq_broker" "this" {
  # Amazon MQ encrypts RabbitMQ brokers at rest with an AWS-owned key only: encryption_options
  # does not apply to the RabbitMQ engine.
  #checkov:skip=CKV_AWS_209:RabbitMQ brokers cannot use a customer managed KMS key
  broker_name                = var.name
  engine_type                = "RabbitMQ"
  engine_version             = var.engine_version
  host_instance_type         = var.host_instance_type
  deployment_mode            = var.deployment_mode
  subnet_ids                 = local.subnet_ids
  security_groups            = [aws_security_group.this.id]
  publicly_accessible        = false
  auto_minor_version_upgrade = true
  apply_immediately          = false

  user {
    username = var.admin_username
    password = random_password.admin.result
  }

  logs {
    general = true
  }

  maintenance_window_start_time {
    day_of_week = var.maintenance_window.day_of_week
    time_of_day = var.maintenance_window.time_of_day
    time_zone   = "UTC"
  }

  tags = var.tags
}

module "credentials_key" {
  source = "../kms-key"

  description = "${var.name} RabbitMQ credentials secret"
  alias       = "${var.name}-rabbitmq"

  tags = var.tags
}

# The key was a resource of this module before it used kms-key; moving it keeps the deployed key,
# since a new one could not decrypt the secret.
moved {
  from = aws_kms_key.credentials
  to   = module.credentials_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.credentials
  to   = module.credentials_key.aws_kms_alias.this
}

# The administrator's credentials, for the management API client of the services' migration Jobs
# (gitops/), which creates one RabbitMQ user per service. External Secrets reads this secret
# directly; nothing copies it.
resource "aws_secretsmanager_secret" "credentials" {
  #checkov:skip=CKV2_AWS_57:Amazon MQ has no rotation function and takes no user change from Terraform; the password is rotated by hand (README.md, Rotating the administrator password)
  name                    = "${var.name}/rabbitmq"
  description             = "Administrator of the ${var.name} RabbitMQ broker and its management API URL; no service connects with it"
  kms_key_id              = module.credentials_key.arn
  recovery_window_in_days = 7

  tags = var.tags
}

# Written through the write-only secret_string_wo, so this copy of the password is not in the state;
# Terraform sends it only when admin_secret_version changes.
resource "aws_secretsmanager_secret_version" "credentials" {
  secret_id = aws_secretsmanager_secret.credentials.id
  secret_string_wo = jsonencode({
    username       = var.admin_username
    password       = random_password.admin.result
    host           = local.amqp_host
    port           = local.amqps_port
    management_url = local.management_url
  })
  secret_string_wo_version = var.admin_secret_version

  lifecycle {
    # A rotated password is a new version written outside Terraform (README.md); the next apply
    # must not move AWSCURRENT back to this one.
    ignore_changes = [version_stages]
  }
}
