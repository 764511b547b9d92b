import { blocks, resources, type Body } from "../support/terraform-json";
import { isSet } from "./hcl-values";
import { evaluateEach, unjustified, type ModuleRule } from "./rule";

/** The parameters of the module's parameter group an instance uses, by name. */
function instanceParameters(module: Body, instance: Body): Map<string, string> {
  const group = /^\$\{aws_db_parameter_group\.([A-Za-z0-9_]+)\.name\}$/.exec(
    String(instance.parameter_group_name),
  );
  const parameters = resources(module, "aws_db_parameter_group")
    .filter((candidate) => candidate.address === `aws_db_parameter_group.${group?.[1]}`)
    .flatMap((candidate) => blocks(candidate.body.parameter));
  return new Map(parameters.map(({ name, value }) => [String(name), String(value)]));
}

export const databaseRules: ModuleRule[] = [
  {
    id: "rds-storage-encrypted",
    title: "RDS storage is encrypted with a customer managed KMS key",
    mirrors: ["CKV_AWS_16", "AVD-AWS-0080"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_db_instance"), ({ address, body }) =>
        body.storage_encrypted === true && isSet(body.kms_key_id)
          ? undefined
          : `${address} must set storage_encrypted = true and a kms_key_id`,
      ),
    violatingExample: `resource "aws_db_instance" "this" {\n  storage_encrypted = false\n}\n`,
  },
  {
    id: "rds-not-public",
    title: "RDS instances are not publicly accessible",
    mirrors: ["CKV_AWS_17", "AVD-AWS-0180"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_db_instance"), ({ address, body }) =>
        body.publicly_accessible === false ? undefined : `${address} must set publicly_accessible = false`,
      ),
    violatingExample: `resource "aws_db_instance" "this" {\n  publicly_accessible = true\n}\n`,
  },
  {
    id: "rds-tls-only",
    title: "RDS PostgreSQL instances use a parameter group that forces TLS (rds.force_ssl = 1)",
    mirrors: ["CKV2_AWS_69"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_db_instance"), ({ address, body }) =>
        instanceParameters(module, body).get("rds.force_ssl") === "1"
          ? undefined
          : `${address} must use a parameter group of this module with rds.force_ssl = 1`,
      ),
    violatingExample: `resource "aws_db_parameter_group" "this" {\n  family = "postgres17"\n}\n\nresource "aws_db_instance" "this" {\n  parameter_group_name = aws_db_parameter_group.this.name\n}\n`,
  },
  {
    id: "rds-query-logging",
    title:
      "PostgreSQL logs schema changes and slow statements (log_statement, log_min_duration_statement), never bind parameters",
    mirrors: ["CKV2_AWS_30"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_db_instance"), ({ address, body }) => {
        const parameters = instanceParameters(module, body);
        const statements = ["ddl", "mod", "all"].includes(parameters.get("log_statement") ?? "");
        const slow = Number(parameters.get("log_min_duration_statement") ?? -1) >= 0;
        const noValues = parameters.get("log_parameter_max_length") === "0";
        return statements && slow && noValues
          ? undefined
          : `${address} must use a parameter group with log_statement (ddl, mod or all), log_min_duration_statement >= 0 and log_parameter_max_length = 0`;
      }),
    violatingExample: `resource "aws_db_parameter_group" "this" {\n  family = "postgres17"\n  parameter {\n    name  = "log_statement"\n    value = "none"\n  }\n}\n\nresource "aws_db_instance" "this" {\n  parameter_group_name = aws_db_parameter_group.this.name\n}\n`,
  },
  {
    id: "rds-iam-authentication",
    title:
      "RDS instances accept IAM database authentication, or say at the instance why they do not (Parley: per-service password roles)",
    mirrors: ["CKV_AWS_161", "AVD-AWS-0176"],
    scope: "module",
    evaluate: (module, skips) =>
      evaluateEach(resources(module, "aws_db_instance"), ({ address, body }) => {
        if (body.iam_database_authentication_enabled === true) return undefined;
        const problems = ["CKV_AWS_161", "AVD-AWS-0176"]
          .map((check) => unjustified(skips, address, check, "has IAM database authentication off"))
          .filter((problem): problem is string => problem !== undefined);
        return problems.length > 0 ? problems : undefined;
      }),
    violatingExample: `resource "aws_db_instance" "this" {\n  iam_database_authentication_enabled = false\n}\n`,
  },
  {
    id: "rds-observable",
    title:
      "RDS exports PostgreSQL logs and has Performance Insights (KMS-encrypted) and Enhanced Monitoring on",
    mirrors: ["CKV_AWS_129", "CKV_AWS_353", "CKV_AWS_354", "CKV_AWS_118", "AVD-AWS-0133", "AVD-AWS-0078"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_db_instance"), ({ address, body }) => {
        const exports = body.enabled_cloudwatch_logs_exports;
        const logs = Array.isArray(exports) ? exports.includes("postgresql") : isSet(exports);
        const insights =
          body.performance_insights_enabled === true && isSet(body.performance_insights_kms_key_id);
        const monitoring = body.monitoring_interval !== undefined && body.monitoring_interval !== 0;
        return logs && insights && monitoring
          ? undefined
          : `${address} must export postgresql logs, enable Performance Insights with a KMS key and set monitoring_interval`;
      }),
    violatingExample: `resource "aws_db_instance" "this" {\n  performance_insights_enabled = false\n  monitoring_interval          = 0\n}\n`,
  },
  {
    id: "rds-master-password-managed",
    title: "The RDS master password is generated and kept by RDS in Secrets Manager, never in code or state",
    mirrors: ["CKV_SECRET_6 (closest)"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_db_instance"), ({ address, body }) =>
        body.manage_master_user_password === true && !("password" in body) && !("password_wo" in body)
          ? undefined
          : `${address} must set manage_master_user_password = true and no password`,
      ),
    violatingExample: `resource "aws_db_instance" "this" {\n  password = var.db_password\n}\n`,
  },
  {
    id: "rds-maintained",
    title: "RDS instances take minor upgrades automatically and copy tags to snapshots",
    mirrors: ["CKV_AWS_226", "CKV2_AWS_60"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_db_instance"), ({ address, body }) =>
        body.auto_minor_version_upgrade !== false && body.copy_tags_to_snapshot === true
          ? undefined
          : `${address} must keep auto_minor_version_upgrade on and set copy_tags_to_snapshot = true`,
      ),
    violatingExample: `resource "aws_db_instance" "this" {\n  auto_minor_version_upgrade = false\n}\n`,
  },
];
