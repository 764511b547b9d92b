# IRSA: service accounts assume IAM roles through the cluster's OIDC issuer. Roles for workloads
# (External Secrets, ...) are created by the modules that know what those workloads may read.
resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]

  tags = var.tags
}

locals {
  oidc_issuer_host = replace(aws_iam_openid_connect_provider.this.url, "https://", "")

  # Add-ons that get their AWS permissions through IRSA rather than the node role, so that pods
  # cannot borrow them from the instance: the VPC CNI its ENI permissions, the EBS CSI controller
  # the right to create and attach volumes. Keyed by the role name suffix.
  addon_roles = {
    vpc-cni = { service_account = "aws-node", policy = "AmazonEKS_CNI_Policy" }
    ebs-csi = { service_account = "ebs-csi-controller-sa", policy = "service-role/AmazonEBSCSIDriverPolicy" }
  }
}

data "aws_iam_policy_document" "addon_assume" {
  for_each = local.addon_roles

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:sub"
      values   = ["system:serviceaccount:kube-system:${each.value.service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "addon" {
  for_each = local.addon_roles

  name               = "${var.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.addon_assume[each.key].json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "addon" {
  for_each = local.addon_roles

  role       = aws_iam_role.addon[each.key].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value.policy}"
}

# The two roles were separate resources before; moving them keeps the roles the running add-ons
# use instead of replacing them (which would leave the CNI without permissions meanwhile).
moved {
  from = aws_iam_role.vpc_cni
  to   = aws_iam_role.addon["vpc-cni"]
}

moved {
  from = aws_iam_role_policy_attachment.vpc_cni
  to   = aws_iam_role_policy_attachment.addon["vpc-cni"]
}

moved {
  from = aws_iam_role.ebs_csi
  to   = aws_iam_role.addon["ebs-csi"]
}

moved {
  from = aws_iam_role_policy_attachment.ebs_csi
  to   = aws_iam_role_policy_attachment.addon["ebs-csi"]
}
