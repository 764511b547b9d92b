data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  log_group_arn_prefix = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:"

  # ArnLike only where a name needs its wildcard; exact names keep the stricter ArnEquals.
  log_group_arn_test = anytrue([for name in var.cloudwatch_log_groups : endswith(name, "*")]) ? "ArnLike" : "ArnEquals"
}

resource "aws_kms_key" "this" {
  description         = var.description
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.this.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}

data "aws_iam_policy_document" "this" {
  # The account's IAM policies decide who uses the key, as under the default key policy KMS writes;
  # stating it keeps the policy reviewable and the key from ever being left without one.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts with the key only on behalf of the named log groups.
  dynamic "statement" {
    for_each = length(var.cloudwatch_log_groups) > 0 ? [var.cloudwatch_log_groups] : []

    content {
      sid       = "CloudWatchLogsEncrypts"
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${data.aws_region.current.region}.amazonaws.com"]
      }

      condition {
        test     = local.log_group_arn_test
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = [for name in statement.value : "${local.log_group_arn_prefix}${name}"]
      }
    }
  }
}
