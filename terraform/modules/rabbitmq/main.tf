locals {
  amqps_port = 5671
  subnet_ids = var.deployment_mode == "SINGLE_INSTANCE" ? [var.subnet_ids[0]] : var.subnet_ids

  amqp_endpoint = aws_mq_broker.this.instances[0].endpoints[0]
  amqp_host     = regex("^amqps://([^:/]+)", local.amqp_endpoint)[0]
}

resource "aws_security_group" "this" {
  name        = "${var.name}-rabbitmq"
  description = "RabbitMQ ${var.name}: AMQPS only from the allowed security groups"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-rabbitmq" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.allowed_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = "AMQPS from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.amqps_port
  to_port                      = local.amqps_port
  referenced_security_group_id = each.value

  tags = var.tags
}

# Amazon MQ rejects commas, colons and equals signs in passwords, and the password also goes into
# an AMQP URL, so it is alphanumeric and long instead.
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

resource "aws_secretsmanager_secret" "credentials" {
  #checkov:skip=CKV2_AWS_57:Amazon MQ has no rotation function and takes no user change from Terraform; the password is rotated by hand (README.md, Rotating the broker password)
  name                    = "${var.name}/rabbitmq"
  description             = "Credentials and AMQPS URL of the ${var.name} RabbitMQ broker"
  kms_key_id              = module.credentials_key.arn
  recovery_window_in_days = 7

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "credentials" {
  secret_id = aws_secretsmanager_secret.credentials.id
  secret_string = jsonencode({
    username = var.admin_username
    password = random_password.admin.result
    host     = local.amqp_host
    port     = local.amqps_port
    url      = "amqps://${var.admin_username}:${random_password.admin.result}@${local.amqp_host}:${local.amqps_port}"
  })

  lifecycle {
    # A rotated password is a new version written outside Terraform (README.md); the next apply
    # must not move AWSCURRENT back to this one.
    ignore_changes = [version_stages]
  }
}
