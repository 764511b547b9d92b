data "aws_partition" "current" {}

locals {
  partition       = data.aws_partition.current.partition
  log_group_name  = "/aws/eks/${var.name}/cluster"
  control_logs    = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  public_endpoint = length(var.endpoint_public_access_cidrs) > 0
}

module "key" {
  source = "../kms-key"

  description           = "${var.name} Kubernetes secrets and control-plane logs"
  alias                 = "${var.name}-eks"
  cloudwatch_log_groups = [local.log_group_name]

  tags = var.tags
}

# The key and its alias were resources of this module before kms-key existed. Moving them keeps
# the deployed key: a new one could not decrypt the cluster's secrets or its logs.
moved {
  from = aws_kms_key.this
  to   = module.key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.key.aws_kms_alias.this
}

# EKS writes to this group once control-plane logging is on; creating it first sets the key and
# the retention.
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention is the caller's choice (default 365 days); Parley keeps 365 in production and less in dev and staging by decision (cdktf/README.md, Log retention)
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = module.key.arn

  tags = var.tags
}

resource "aws_iam_role" "cluster" {
  name               = "${var.name}-eks-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

# Security groups for pods: the VPC resource controller, which runs in the control plane as this
# role, attaches trunk network interfaces to the nodes and branch interfaces carrying a pod's own
# security groups (addons.tf turns ENABLE_POD_ENI on; gitops/ gives the groups with
# SecurityGroupPolicy objects).
resource "aws_iam_role_policy_attachment" "cluster_vpc_resource_controller" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSVPCResourceController"
}

data "aws_iam_policy_document" "cluster_encrypts_secrets" {
  statement {
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
    resources = [module.key.arn]
  }
}

resource "aws_iam_role_policy" "cluster_encrypts_secrets" {
  name   = "encrypt-secrets"
  role   = aws_iam_role.cluster.id
  policy = data.aws_iam_policy_document.cluster_encrypts_secrets.json
}

resource "aws_eks_cluster" "this" {
  name                          = var.name
  version                       = var.kubernetes_version
  role_arn                      = aws_iam_role.cluster.arn
  enabled_cluster_log_types     = local.control_logs
  deletion_protection           = var.deletion_protection
  bootstrap_self_managed_addons = false

  upgrade_policy {
    support_type = var.support_type
  }

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = local.public_endpoint
    public_access_cidrs     = local.public_endpoint ? var.endpoint_public_access_cidrs : null
  }

  # Only the access entries below grant cluster-admin: the identity that creates the cluster gets no
  # hidden, permanent entry of its own. It must be in admin_principal_arns like every other admin.
  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = module.key.arn
    }
  }

  tags = var.tags

  # The provider replaces a cluster when bootstrap_cluster_creator_admin_permissions changes, though
  # EKS reads it at creation only. New clusters are created with false; a cluster created while it
  # was true keeps running, and its creator's entry is removed by hand (README.md, "Cluster access").
  lifecycle {
    ignore_changes = [access_config[0].bootstrap_cluster_creator_admin_permissions]
  }

  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy_attachment.cluster,
    aws_iam_role_policy_attachment.cluster_vpc_resource_controller,
    aws_iam_role_policy.cluster_encrypts_secrets,
  ]
}

# The cluster's administrators, all of them: the identity that deploys the platform stack (Helm,
# Kubernetes) and the people and roles that operate the cluster.
resource "aws_eks_access_entry" "admins" {
  for_each = toset(var.admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value

  tags = var.tags
}

resource "aws_eks_access_policy_association" "admins" {
  for_each = toset(var.admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admins[each.value].principal_arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}
