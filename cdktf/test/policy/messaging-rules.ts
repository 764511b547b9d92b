import { blocks, resources, strings } from "../support/terraform-json";
import { evaluateEach, unjustified, type ModuleRule } from "./rule";

export const messagingRules: ModuleRule[] = [
  {
    id: "mq-not-public",
    title: "Amazon MQ brokers are not publicly accessible",
    mirrors: ["CKV_AWS_69", "AVD-AWS-0072"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_mq_broker"), ({ address, body }) =>
        body.publicly_accessible === false ? undefined : `${address} must set publicly_accessible = false`,
      ),
    violatingExample: `resource "aws_mq_broker" "this" {\n  publicly_accessible = true\n}\n`,
  },
  {
    id: "mq-general-logs",
    title: "Amazon MQ brokers send general logs to CloudWatch",
    mirrors: ["CKV_AWS_48", "AVD-AWS-0071"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_mq_broker"), ({ address, body }) =>
        blocks(body.logs).some((logs) => logs.general === true)
          ? undefined
          : `${address} must enable logs { general = true }`,
      ),
    violatingExample: `resource "aws_mq_broker" "this" {\n  logs {\n    general = false\n  }\n}\n`,
  },
  {
    id: "mq-audit-logs",
    title: "Amazon MQ brokers keep audit logs; RabbitMQ, which has none, says so at the broker",
    mirrors: ["AVD-AWS-0070"],
    scope: "module",
    evaluate: (module, skips) =>
      evaluateEach(resources(module, "aws_mq_broker"), ({ address, body }) => {
        if (blocks(body.logs).some((logs) => logs.audit === true)) return undefined;
        return body.engine_type === "RabbitMQ"
          ? unjustified(skips, address, "AVD-AWS-0070", "has no audit log")
          : `${address} must enable logs { audit = true }`;
      }),
    violatingExample: `resource "aws_mq_broker" "this" {\n  engine_type = "ActiveMQ"\n  logs {\n    general = true\n  }\n}\n`,
  },
  {
    id: "mq-auto-minor-upgrade",
    title: "Amazon MQ brokers take minor version upgrades automatically",
    mirrors: ["CKV_AWS_207"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_mq_broker"), ({ address, body }) =>
        body.auto_minor_version_upgrade === true
          ? undefined
          : `${address} must set auto_minor_version_upgrade = true`,
      ),
    violatingExample: `resource "aws_mq_broker" "this" {\n  auto_minor_version_upgrade = false\n}\n`,
  },
  {
    id: "mq-credentials-in-secrets-manager",
    title: "Broker passwords are generated and stored in Secrets Manager, never written in code",
    mirrors: ["CKV_SECRET_6 (closest)"],
    scope: "module",
    evaluate: (module) => {
      const stored = resources(module, "aws_secretsmanager_secret_version").flatMap(({ body }) =>
        strings([body.secret_string, body.secret_string_wo]),
      );
      const users = resources(module, "aws_mq_broker").flatMap(({ address, body }) =>
        blocks(body.user).map((user) => ({ address, password: String(user.password) })),
      );
      return evaluateEach(users, ({ address, password }) => {
        const generated = /^\$\{(random_password\.[A-Za-z0-9_]+\.result)\}$/.exec(password)?.[1];
        return generated && stored.some((secret) => secret.includes(generated))
          ? undefined
          : `${address} user password must come from a random_password that a Secrets Manager secret version stores`;
      });
    },
    violatingExample: `resource "aws_mq_broker" "this" {\n  user {\n    username = "parley"\n    password = "correct-horse-battery"\n  }\n}\n`,
  },
];
