data "aws_partition" "current" {}

locals {
  port        = 5432
  log_exports = ["postgresql", "upgrade"]
}

module "key" {
  source = "../kms-key"

  description           = "${var.identifier} PostgreSQL storage, master secret, Performance Insights and logs"
  alias                 = "${var.identifier}-postgres"
  cloudwatch_log_groups = ["/aws/rds/instance/${var.identifier}/*"]

  tags = var.tags
}

# The key and its alias were resources of this module before kms-key existed. Moving them keeps
# the deployed key: a new one could not decrypt the database, its snapshots or its secret.
moved {
  from = aws_kms_key.this
  to   = module.key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.key.aws_kms_alias.this
}

resource "aws_db_subnet_group" "this" {
  name       = var.identifier
  subnet_ids = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.identifier}-postgres"
  description = "PostgreSQL ${var.identifier}: reachable only from its client security groups"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.identifier}-postgres" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.allowed_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value

  tags = var.tags
}

# A new major version needs a new group of its family, created before the old one is replaced, so
# the name is a prefix: a fixed name would collide with itself.
resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.identifier}-postgres${var.engine_version}-"
  family      = "postgres${var.engine_version}"
  description = "${var.identifier}: TLS only, connection and slow query logging"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  # Schema changes and slow statements are logged; no bind parameter is, since they carry message
  # bodies and credentials.
  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  parameter {
    name  = "log_parameter_max_length"
    value = "0"
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# RDS creates these groups itself on first export, unencrypted and kept forever; creating them
# first sets the key and the retention.
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention is the caller's choice (default 365 days); Parley keeps 365 in production and less in dev and staging by decision (cdktf/README.md, Log retention)
  for_each = toset(local.log_exports)

  name              = "/aws/rds/instance/${var.identifier}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.key.arn

  tags = var.tags
}

resource "aws_iam_role" "monitoring" {
  name               = "${var.identifier}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# IAM database authentication stays off: every service logs in as its own password role
# (parley_<service>, created by the services' migration Jobs in gitops/ with passwords External
# Secrets refreshes), so an IAM login path would be used by nobody and only widen who may log in
# (any principal granted rds-db:connect on a role that was granted rds_iam).
#trivy:ignore:AVD-AWS-0176
resource "aws_db_instance" "this" {
  #checkov:skip=CKV_AWS_161:IAM database authentication is off by decision: the services use per-service password roles (README.md, Who logs in)
  identifier     = var.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class
  port           = local.port
  db_name        = var.database_name

  username                      = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = module.key.arn

  iam_database_authentication_enabled = false

  allocated_storage     = var.allocated_storage_gib
  max_allocated_storage = var.max_allocated_storage_gib
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = module.key.arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  multi_az               = var.multi_az
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = "${var.identifier}-final"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = var.allow_major_version_upgrade

  enabled_cloudwatch_logs_exports       = local.log_exports
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = module.key.arn
  performance_insights_retention_period = 7
  monitoring_interval                   = var.monitoring_interval_seconds
  monitoring_role_arn                   = aws_iam_role.monitoring.arn

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this]
}
