import { scannerSkips, skipReason } from "./support/scanner-skips";

const source = `
# Not a reason for the broker: a blank line ends this comment.

# Audit logs exist for ActiveMQ only.
#trivy:ignore:AVD-AWS-0070
resource "aws_mq_broker" "this" {
  #checkov:skip=CKV_AWS_209:RabbitMQ uses an AWS-owned key
  broker_name = "parley"
}

resource "aws_secretsmanager_secret" "this" {
  #checkov:skip=CKV2_AWS_57
  name = "x"
}

#checkov:skip=CKV_AWS_1:outside any block, so Checkov ignores it
data "aws_iam_policy_document" "this" {
  # checkov:skip=CKV_AWS_356: spaced form
}
`;

describe("scanner skip comments", () => {
  const skips = scannerSkips(source);

  it("reads a Checkov skip inside the block with its reason", () => {
    expect(skipReason(skips, "aws_mq_broker.this", "CKV_AWS_209")).toBe("RabbitMQ uses an AWS-owned key");
    expect(skipReason(skips, "data.aws_iam_policy_document.this", "CKV_AWS_356")).toBe("spaced form");
  });

  it("reads a Trivy ignore above the block, its reason from the same comment only", () => {
    expect(skipReason(skips, "aws_mq_broker.this", "AVD-AWS-0070")).toBe(
      "Audit logs exist for ActiveMQ only.",
    );
  });

  it("reports a skip without a reason as an empty reason, and no skip as undefined", () => {
    expect(skipReason(skips, "aws_secretsmanager_secret.this", "CKV2_AWS_57")).toBe("");
    expect(skipReason(skips, "aws_secretsmanager_secret.this", "CKV_AWS_149")).toBeUndefined();
  });

  it("does not attach a Checkov skip written outside a block", () => {
    expect(skipReason(skips, "data.aws_iam_policy_document.this", "CKV_AWS_1")).toBeUndefined();
  });
});
