import { calledModuleName, callsOf } from "../support/module-interface";
import {
  blocks,
  isBody,
  moduleCalls,
  outputs,
  providers,
  terraformSettings,
  type Body,
} from "../support/terraform-json";
import { evaluateEach, type StackContext, type StackRule } from "./rule";

const worldCidrs = ["0.0.0.0/0", "::/0"];

function inProduction(context: StackContext, stack: Body, moduleName: string) {
  return context.environment === "production" ? callsOf(stack, moduleName) : [];
}

function moduleInput(stack: Body, moduleName: string): Body {
  const call = callsOf(stack, moduleName)[0];
  if (!call) throw new Error(`no ${moduleName} module in this stack`);
  return call.body;
}

function sensitiveModuleOutputs(context: StackContext, stack: Body): Set<string> {
  const names = new Set<string>();
  for (const { address, body } of moduleCalls(stack)) {
    const module = context.modules.get(calledModuleName(body) ?? "");
    for (const output of module ? outputs(module) : []) {
      if (output.body.sensitive === true) names.add(`${address}.${output.address.slice("output.".length)}`);
    }
  }
  return names;
}

export const environmentRules: StackRule[] = [
  {
    id: "production-database-protected",
    title:
      "Production PostgreSQL has deletion protection, Multi-AZ, a final snapshot and at least 7 days of backups",
    mirrors: ["CKV_AWS_293", "CKV_AWS_157", "CKV_AWS_133", "AVD-AWS-0177", "AVD-AWS-0077"],
    scope: "stack",
    evaluate: (stack, context) =>
      evaluateEach(inProduction(context, stack, "postgres"), ({ address, body }) =>
        body.deletion_protection === true &&
        body.multi_az === true &&
        body.skip_final_snapshot === false &&
        Number(body.backup_retention_days) >= 7
          ? undefined
          : `${address} must turn on deletion_protection and multi_az, keep the final snapshot and keep backups 7+ days`,
      ),
    violatingChange: {
      environment: "production",
      component: "data",
      apply: (stack) => {
        moduleInput(stack, "postgres").multi_az = false;
      },
    },
  },
  {
    id: "database-backups-on",
    title: "Every environment keeps automated PostgreSQL backups longer than the default day",
    mirrors: ["CKV_AWS_133", "AVD-AWS-0077"],
    scope: "stack",
    evaluate: (stack) =>
      evaluateEach(callsOf(stack, "postgres"), ({ address, body }) =>
        Number(body.backup_retention_days) >= 2
          ? undefined
          : `${address} must keep backups at least two days`,
      ),
    violatingChange: {
      environment: "dev",
      component: "data",
      apply: (stack) => {
        moduleInput(stack, "postgres").backup_retention_days = 1;
      },
    },
  },
  {
    id: "production-logs-kept-a-year",
    title: "Production keeps its CloudWatch logs at least 365 days (dev and staging keep less by decision)",
    mirrors: ["CKV_AWS_338"],
    scope: "stack",
    evaluate: (stack, context) => {
      const calls = ["network", "kubernetes", "postgres"].flatMap((name) =>
        inProduction(context, stack, name),
      );
      return evaluateEach(calls, ({ address, body }) => {
        const short = ["log_retention_days", "flow_log_retention_days"].filter(
          (input) => input in body && !(Number(body[input]) >= 365),
        );
        return short.length === 0 ? undefined : `${address} must keep ${short.join(", ")} at 365 or more`;
      });
    },
    violatingChange: {
      environment: "production",
      component: "network",
      apply: (stack) => {
        moduleInput(stack, "network").flow_log_retention_days = 90;
      },
    },
  },
  {
    id: "production-rabbitmq-clustered",
    title: "Production RabbitMQ is a three-node cluster across zones",
    mirrors: ["none in Checkov/Trivy: availability requirement of issue #6"],
    scope: "stack",
    evaluate: (stack, context) =>
      evaluateEach(inProduction(context, stack, "rabbitmq"), ({ address, body }) =>
        body.deployment_mode === "CLUSTER_MULTI_AZ"
          ? undefined
          : `${address} must use deployment_mode = CLUSTER_MULTI_AZ`,
      ),
    violatingChange: {
      environment: "production",
      component: "messaging",
      apply: (stack) => {
        moduleInput(stack, "rabbitmq").deployment_mode = "SINGLE_INSTANCE";
      },
    },
  },
  {
    id: "production-cluster-protected",
    title: "The production EKS cluster has deletion protection and a private-only API endpoint",
    mirrors: ["CKV_AWS_39", "AVD-AWS-0040"],
    scope: "stack",
    evaluate: (stack, context) =>
      evaluateEach(inProduction(context, stack, "kubernetes"), ({ address, body }) => {
        const publicCidrs = body.endpoint_public_access_cidrs;
        return body.deletion_protection === true && Array.isArray(publicCidrs) && publicCidrs.length === 0
          ? undefined
          : `${address} must set deletion_protection and no endpoint_public_access_cidrs`;
      }),
    violatingChange: {
      environment: "production",
      component: "cluster",
      apply: (stack) => {
        moduleInput(stack, "kubernetes").deletion_protection = false;
      },
    },
  },
  {
    id: "cluster-endpoint-not-world-open",
    title: "No environment opens the Kubernetes API to the internet",
    mirrors: ["CKV_AWS_38", "AVD-AWS-0041"],
    scope: "stack",
    evaluate: (stack) =>
      evaluateEach(callsOf(stack, "kubernetes"), ({ address, body }) => {
        const cidrs = Array.isArray(body.endpoint_public_access_cidrs)
          ? body.endpoint_public_access_cidrs
          : [];
        return cidrs.some((cidr) => worldCidrs.includes(String(cidr)))
          ? `${address} opens the API to the internet`
          : undefined;
      }),
    violatingChange: {
      environment: "dev",
      component: "cluster",
      apply: (stack) => {
        moduleInput(stack, "kubernetes").endpoint_public_access_cidrs = ["0.0.0.0/0"];
      },
    },
  },
  {
    id: "state-encrypted-and-locked",
    title: "State lives in S3, encrypted, with locking, under a key of its own environment",
    mirrors: ["none in Checkov/Trivy: state holds the broker password"],
    scope: "stack",
    evaluate: (stack, context) => {
      const backends = terraformSettings(stack).flatMap((terraform) =>
        isBody(terraform.backend) ? [terraform.backend] : [],
      );
      return evaluateEach(backends, (backend) => {
        const s3 = isBody(backend.s3) ? backend.s3 : undefined;
        const locked = s3?.use_lockfile === true || typeof s3?.dynamodb_table === "string";
        const ownKey = typeof s3?.key === "string" && s3.key.startsWith(`${context.environment}/`);
        return s3?.encrypt === true && locked && ownKey
          ? undefined
          : "the backend must be S3 with encrypt, locking and an environment key";
      });
    },
    violatingChange: {
      environment: "staging",
      component: "network",
      apply: (stack) => {
        const s3 = (terraformSettings(stack)[0]?.backend as Body).s3 as Body;
        delete s3.use_lockfile;
      },
    },
  },
  {
    id: "providers-pinned-exactly",
    title: "Stacks pin every provider to an exact version and call only packaged local modules",
    mirrors: ["tflint terraform_required_providers", "CKV_TF_1", "CKV_TF_2"],
    scope: "stack",
    evaluate: (stack) => {
      const required = terraformSettings(stack).flatMap((terraform) =>
        isBody(terraform.required_providers) ? Object.entries(terraform.required_providers) : [],
      );
      const pinned = evaluateEach(required, ([name, requirement]) =>
        isBody(requirement) && /^\d+\.\d+\.\d+$/.test(String(requirement.version))
          ? undefined
          : `provider ${name} must be pinned exactly`,
      );
      const packaged = evaluateEach(moduleCalls(stack), ({ address, body }) =>
        /^\.\/assets\/__cdktf_module_asset_[0-9A-F]+\/[0-9A-F]{32}\//.test(String(body.source))
          ? undefined
          : `${address} must use a module from terraform/modules packaged as a content-hashed asset`,
      );
      return {
        checked: pinned.checked + packaged.checked,
        violations: [...pinned.violations, ...packaged.violations],
      };
    },
    violatingChange: {
      environment: "production",
      component: "platform",
      apply: (stack) => {
        const required = (terraformSettings(stack)[0] as Body).required_providers as Body;
        (required.helm as Body).version = "~> 3.0";
      },
    },
  },
  {
    id: "aws-default-tags",
    title: "Every AWS provider tags what it creates with Project, Environment and ManagedBy",
    mirrors: ["tflint aws_resource_missing_tags"],
    scope: "stack",
    evaluate: (stack, context) =>
      evaluateEach(providers(stack, "aws"), (provider) => {
        const tags = blocks(provider.default_tags).flatMap((defaults) =>
          isBody(defaults.tags) ? [defaults.tags] : [],
        )[0];
        return tags?.Project === "parley" &&
          tags.Environment === context.environment &&
          tags.ManagedBy === "cdktf"
          ? undefined
          : "the aws provider must set default_tags Project, Environment and ManagedBy";
      }),
    violatingChange: {
      environment: "dev",
      component: "messaging",
      apply: (stack) => {
        delete providers(stack, "aws")[0]?.default_tags;
      },
    },
  },
  {
    id: "aws-account-pinned",
    title: "Every AWS provider refuses accounts other than its environment's",
    mirrors: ["none in Checkov/Trivy: guards against deploying one environment into another's account"],
    scope: "stack",
    evaluate: (stack) =>
      evaluateEach(providers(stack, "aws"), (provider) =>
        Array.isArray(provider.allowed_account_ids) && provider.allowed_account_ids.length === 1
          ? undefined
          : "the aws provider must set allowed_account_ids to the environment's account",
      ),
    violatingChange: {
      environment: "production",
      component: "network",
      apply: (stack) => {
        delete providers(stack, "aws")[0]?.allowed_account_ids;
      },
    },
  },
  {
    id: "stack-outputs-sensitive",
    title: "Stack outputs that pass on a sensitive module output are sensitive themselves",
    mirrors: ["terraform validate: Output refers to sensitive values"],
    scope: "stack",
    evaluate: (stack, context) => {
      const sensitive = [...sensitiveModuleOutputs(context, stack)];
      return evaluateEach(
        outputs(stack).filter(({ body }) => String(body.value).includes("${module.")),
        ({ address, body }) =>
          sensitive.some((name) => String(body.value).includes(name)) && body.sensitive !== true
            ? `${address} passes on a sensitive value and must be sensitive`
            : undefined,
      );
    },
    violatingChange: {
      environment: "production",
      component: "data",
      apply: (stack) => {
        (stack.output as Body)["database_admin"] = { value: "${module.postgres.master_username}" };
      },
    },
  },
];
