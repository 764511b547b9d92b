import {
  allResources,
  blocks,
  dataSources,
  isBody,
  isExpression,
  moduleCalls,
  outputs,
  resources,
  strings,
  terraformSettings,
  variables,
  type Body,
} from "../support/terraform-json";
import { isSet, referencedVariable } from "./hcl-values";
import { evaluateEach, unjustified, type ModuleRule } from "./rule";

const upperBounded = (constraint: unknown) => typeof constraint === "string" && /(~>|<)/.test(constraint);
const exactVersion = (version: unknown) => typeof version === "string" && /^\d+\.\d+\.\d+$/.test(version);

// AWS resource types used here that have no `tags` argument; every other aws_* type must be tagged.
const untaggableTypes = new Set([
  "aws_default_security_group_rule",
  "aws_eks_access_policy_association",
  "aws_iam_role_policy",
  "aws_iam_role_policy_attachment",
  "aws_kms_alias",
  "aws_route",
  "aws_route_table_association",
  "aws_secretsmanager_secret_version",
  "aws_security_group_rule",
]);

const credentialName = /(^|[._])(password|username|token|secret_string|private_key)$/;
const credentialSource = /(random_password\.|\.password\b|secret_string)/;

function sensitiveVariableNames(module: Body): string[] {
  return variables(module)
    .filter(({ body }) => body.sensitive === true)
    .map(({ address }) => address);
}

function credentialAttributes(value: unknown, path: string): Array<{ path: string; value: unknown }> {
  if (Array.isArray(value))
    return value.flatMap((item, index) => credentialAttributes(item, `${path}[${index}]`));
  if (!isBody(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(credentialName.test(key) && typeof child !== "boolean"
      ? [{ path: `${path}.${key}`, value: child }]
      : []),
    ...credentialAttributes(child, `${path}.${key}`),
  ]);
}

export const baselineRules: ModuleRule[] = [
  {
    id: "kms-key-rotation",
    title: "KMS keys rotate automatically",
    mirrors: ["CKV_AWS_7", "AVD-AWS-0065"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_kms_key"), ({ address, body }) =>
        body.enable_key_rotation === true ? undefined : `${address} must set enable_key_rotation = true`,
      ),
    violatingExample: `resource "aws_kms_key" "this" {\n  description = "never rotated"\n}\n`,
  },
  {
    id: "kms-key-policy",
    title: "KMS keys always carry an explicit key policy",
    mirrors: ["CKV2_AWS_64"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_kms_key"), ({ address, body }) =>
        isSet(body.policy) && !/:\s*null\b/.test(String(body.policy))
          ? undefined
          : `${address} must set a policy, and not only under a condition`,
      ),
    violatingExample: `resource "aws_kms_key" "this" {\n  enable_key_rotation = true\n}\n`,
  },
  {
    id: "secrets-rotated",
    title: "Secrets Manager secrets rotate, or say next to them why they cannot",
    mirrors: ["CKV2_AWS_57"],
    scope: "module",
    evaluate: (module, skips) => {
      const rotated = resources(module, "aws_secretsmanager_secret_rotation").flatMap(({ body }) =>
        strings(body.secret_id),
      );
      return evaluateEach(resources(module, "aws_secretsmanager_secret"), ({ address }) =>
        rotated.some((id) => id.includes(`${address}.`) || id.includes(`${address}[`))
          ? undefined
          : unjustified(skips, address, "CKV2_AWS_57", "must have an aws_secretsmanager_secret_rotation"),
      );
    },
    violatingExample: `resource "aws_secretsmanager_secret" "this" {\n  #checkov:skip=CKV2_AWS_57\n  name = "never-rotated"\n}\n`,
  },
  {
    id: "secrets-encrypted-with-cmk",
    title: "Secrets Manager secrets are encrypted with a customer managed KMS key",
    mirrors: ["CKV_AWS_149", "AVD-AWS-0098"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_secretsmanager_secret"), ({ address, body }) =>
        isExpression(body.kms_key_id) ||
        (typeof body.kms_key_id === "string" && body.kms_key_id.startsWith("arn:"))
          ? undefined
          : `${address} must set kms_key_id to a customer managed key`,
      ),
    violatingExample: `resource "aws_secretsmanager_secret" "this" {\n  name = "uses-the-aws-managed-key"\n}\n`,
  },
  {
    id: "log-groups-encrypted-and-retained",
    title: "CloudWatch log groups are KMS-encrypted and expire",
    mirrors: ["CKV_AWS_158", "CKV_AWS_66", "AVD-AWS-0017"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_cloudwatch_log_group"), ({ address, body }) =>
        body.kms_key_id !== undefined && body.retention_in_days !== undefined && body.retention_in_days !== 0
          ? undefined
          : `${address} must set kms_key_id and retention_in_days`,
      ),
    violatingExample: `resource "aws_cloudwatch_log_group" "this" {\n  name = "kept-forever-in-clear"\n}\n`,
  },
  {
    id: "log-groups-kept-a-year",
    title:
      "CloudWatch log groups keep logs 365 days by default; where a caller may choose less, the group says why",
    mirrors: ["CKV_AWS_338"],
    scope: "module",
    evaluate: (module, skips) =>
      evaluateEach(resources(module, "aws_cloudwatch_log_group"), ({ address, body }) => {
        const variable = referencedVariable(module, body.retention_in_days);
        const days = Number(variable ? variable.default : body.retention_in_days);
        if (!(days >= 365)) return `${address} must keep logs at least 365 days by default`;
        return variable
          ? unjustified(skips, address, "CKV_AWS_338", "takes its retention from a variable")
          : undefined;
      }),
    violatingExample: `resource "aws_cloudwatch_log_group" "this" {\n  retention_in_days = 30\n}\n`,
  },
  {
    id: "iam-least-privilege",
    title:
      "IAM statements grant no wildcard action to anyone, trust no wildcard principal, and name their resources",
    mirrors: ["CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_33", "CKV_AWS_290", "CKV_AWS_355", "AVD-AWS-0057"],
    scope: "module",
    evaluate: (module) => {
      const statements = dataSources(module, "aws_iam_policy_document").flatMap(({ address, body }) =>
        [
          ...blocks(body.statement),
          ...blocks(isBody(body.dynamic) ? body.dynamic.statement : undefined).flatMap((dynamic) =>
            blocks(dynamic.content),
          ),
        ].map((statement) => ({ address, statement })),
      );
      return evaluateEach(statements, ({ address, statement }) => {
        const actions = Array.isArray(statement.actions) ? statement.actions.map(String) : [];
        const resourcesList = Array.isArray(statement.resources) ? statement.resources.map(String) : [];
        const principals = blocks(statement.principals).flatMap((principal) =>
          Array.isArray(principal.identifiers) ? principal.identifiers.map(String) : [],
        );
        // In a key policy "*" means the key itself, so only KMS statements may name it.
        const keyPolicy = actions.length > 0 && actions.every((action) => action.startsWith("kms:"));
        if (actions.some((action) => action === "*" || action === "*:*"))
          return `${address} grants every action`;
        if (principals.includes("*")) return `${address} trusts any principal`;
        if (resourcesList.includes("*") && !keyPolicy) return `${address} applies to every resource`;
        return undefined;
      });
    },
    violatingExample: `data "aws_iam_policy_document" "this" {\n  statement {\n    actions   = ["s3:*"]\n    resources = ["*"]\n  }\n}\n`,
  },
  {
    id: "versions-pinned",
    title: "Terraform, providers, modules and Helm charts are pinned to bounded or exact versions",
    mirrors: [
      "tflint terraform_required_version",
      "tflint terraform_required_providers",
      "CKV_TF_1",
      "CKV_TF_2",
    ],
    scope: "module",
    evaluate: (module) => {
      const settings = terraformSettings(module);
      const providers = settings.flatMap((terraform) =>
        blocks(terraform.required_providers).flatMap((required) => Object.entries(required)),
      );
      const subjects = [
        {
          what: "terraform required_version",
          ok: settings.some((terraform) => upperBounded(terraform.required_version)),
        },
        ...providers.map(([name, requirement]) => ({
          what: `provider ${name}`,
          ok:
            isBody(requirement) &&
            typeof requirement.source === "string" &&
            upperBounded(requirement.version),
        })),
        ...moduleCalls(module).map(({ address, body }) => ({
          what: address,
          ok: String(body.source).startsWith(".") || exactVersion(body.version),
        })),
        ...resources(module, "helm_release").map(({ address, body }) => ({
          what: `${address} chart version`,
          ok: exactVersion(body.version) || exactVersion(referencedVariable(module, body.version)?.default),
        })),
      ];
      return evaluateEach(subjects, ({ what, ok }) => (ok ? undefined : `${what} must be pinned`));
    },
    violatingExample: `terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n`,
  },
  {
    id: "credential-outputs-sensitive",
    title: "Outputs that carry credentials or sensitive values are marked sensitive",
    mirrors: ["terraform validate: Output refers to sensitive values"],
    scope: "module",
    evaluate: (module) => {
      const sensitiveVariables = sensitiveVariableNames(module);
      const carriers = outputs(module).filter(({ address, body }) => {
        const value = JSON.stringify(body.value ?? "");
        const name = address.slice("output.".length);
        return (
          credentialName.test(name) ||
          credentialSource.test(value) ||
          sensitiveVariables.some((variable) => value.includes(variable))
        );
      });
      return evaluateEach(carriers, ({ address, body }) =>
        body.sensitive === true ? undefined : `${address} must set sensitive = true`,
      );
    },
    violatingExample: `resource "random_password" "this" {\n  length = 32\n}\n\noutput "password" {\n  value = random_password.this.result\n}\n`,
  },
  {
    id: "no-hardcoded-secrets",
    title:
      "Credentials are never literals: secret attributes are expressions, secret variables are sensitive without defaults",
    mirrors: ["CKV_SECRET_6", "Trivy secret scanning"],
    scope: "module",
    evaluate: (module) => {
      const attributes = allResources(module).flatMap(({ address, body }) =>
        credentialAttributes(body, address),
      );
      const secretVariables = variables(module).filter(
        ({ address }) => credentialName.test(address) && !/username/.test(address),
      );
      const literal = evaluateEach(attributes, ({ path, value }) =>
        typeof value === "string" && !isExpression(value) ? `${path} is a literal credential` : undefined,
      );
      const declared = evaluateEach(secretVariables, ({ address, body }) =>
        body.sensitive === true && !("default" in body)
          ? undefined
          : `${address} must be sensitive and have no default`,
      );
      return {
        checked: literal.checked + declared.checked,
        violations: [...literal.violations, ...declared.violations],
      };
    },
    violatingExample: `resource "aws_mq_broker" "this" {\n  user {\n    username = "parley"\n    password = "hunter2hunter2"\n  }\n}\n`,
  },
  {
    id: "aws-resources-tagged",
    title: "Every taggable AWS resource sets tags",
    mirrors: ["tflint aws_resource_missing_tags"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(
        allResources(module).filter(({ type }) => type.startsWith("aws_") && !untaggableTypes.has(type)),
        ({ address, body }) => ("tags" in body ? undefined : `${address} must set tags`),
      ),
    violatingExample: `resource "aws_sqs_queue" "this" {\n  name = "untagged"\n}\n`,
  },
];
