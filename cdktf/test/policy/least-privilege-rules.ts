// Least privilege and credentials that survive rotation: who may reach the data stores, who logs in
// to them as whom, that no module copies an administrator's password, and that nobody is a hidden
// cluster administrator.
import { calledModuleName, callsOf } from "../support/module-interface";
import {
  blocks,
  dataSources,
  isBody,
  moduleCalls,
  providers,
  resources,
  strings,
  variables,
  type Body,
} from "../support/terraform-json";
import { firstBlock } from "./hcl-values";
import { evaluateEach, type ModuleRule, type StackRule } from "./rule";

/** The services that own data (DESIGN.md): each logs in as itself, the gateway not at all. */
export const DATA_SERVICES = ["auth", "messaging", "notification"];

/** The pods that read the database only, with a role of their own: postgres_exporter. */
export const DATABASE_MONITORS = ["postgres-exporter"];

/**
 * The logins the hand-over must hold, by secret key: `<service>/<kind>` -> username and store. Besides
 * the services', the monitoring logins: postgres_exporter's role
 * (pg_monitor only) and the broker user Prometheus scrapes as (tag monitoring).
 */
export function expectedServiceLogins(): Record<string, { username: string; store: string }> {
  return Object.fromEntries([
    ...DATA_SERVICES.flatMap((service) => [
      [`${service}/database`, { username: `parley_${service}`, store: "postgres" }],
      [`${service}/database-migrator`, { username: `parley_${service}_migrator`, store: "postgres" }],
      [`${service}/rabbitmq`, { username: `parley_${service}`, store: "rabbitmq" }],
    ]),
    ["monitoring/database", { username: "parley_monitoring", store: "postgres" }],
    ["monitoring/rabbitmq", { username: "parley_monitoring", store: "rabbitmq" }],
  ]);
}

function mergedLocals(module: Body): Body {
  return Object.assign({}, ...blocks(module.locals)) as Body;
}

/** The strings of `value` and of every local they refer to, transitively: what a value is made of. */
function expandedStrings(module: Body, value: unknown): string[] {
  const defined = mergedLocals(module);
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (candidate: unknown) => {
    for (const text of strings(candidate)) {
      found.push(text);
      for (const [, name] of text.matchAll(/local\.([A-Za-z0-9_]+)/g)) {
        if (!seen.has(name!) && name! in defined) {
          seen.add(name!);
          visit(defined[name!]);
        }
      }
    }
  };
  visit(value);
  return found;
}

function ephemeralBlocks(module: Body, type: string): Array<{ address: string; body: Body }> {
  const section = isBody(module.ephemeral) ? module.ephemeral : {};
  const byName = isBody(section[type]) ? section[type] : {};
  return Object.entries(byName).flatMap(([name, value]) =>
    blocks(value).map((body) => ({ address: `ephemeral.${type}.${name}`, body })),
  );
}

// --- data stores admit only their client security groups --------------------------------------

interface Ingress {
  address: string;
  body: Body;
}

/** Every ingress rule of a module that creates a data store (RDS or Amazon MQ). */
function dataStoreIngress(module: Body): Ingress[] {
  const isStore =
    resources(module, "aws_db_instance").length > 0 || resources(module, "aws_mq_broker").length > 0;
  if (!isStore) return [];
  return [
    ...resources(module, "aws_vpc_security_group_ingress_rule"),
    ...resources(module, "aws_security_group_rule").filter(({ body }) => body.type === "ingress"),
    ...resources(module, "aws_security_group").flatMap(({ address, body }) =>
      blocks(body.ingress).map((rule) => ({ address: `${address} (inline ingress)`, body: rule })),
    ),
  ];
}

const CIDR_ARGUMENTS = ["cidr_ipv4", "cidr_ipv6", "cidr_blocks", "ipv6_cidr_blocks", "prefix_list_id"];

function ingressProblem({ address, body }: Ingress): string | undefined {
  const cidrs = CIDR_ARGUMENTS.filter((argument) => argument in body);
  if (cidrs.length > 0)
    return `${address} admits addresses (${cidrs.join(", ")}), not a client security group`;
  const source = body.referenced_security_group_id ?? body.source_security_group_id ?? body.security_groups;
  if (source === undefined) return `${address} must admit a referenced security group`;
  return undefined;
}

const CLIENT_GROUP_OUTPUT: Record<string, string> = {
  postgres: "postgres_client_security_group_id",
  rabbitmq: "rabbitmq_client_security_group_id",
};

/** What a call of the postgres or rabbitmq module admits: only its store's client group. */
function allowedGroupProblems(address: string, moduleName: string, call: Body): string[] {
  const allowed = call.allowed_security_groups;
  const values = isBody(allowed) ? Object.entries(allowed) : [["(all)", allowed] as const];
  if (values.length === 0) return [`${address} admits no security group`];
  return values.flatMap(([key, value]) => {
    const text = JSON.stringify(value);
    if (text.includes("cluster_security_group_id"))
      return [`${address} admits the cluster's security group (${key}): every pod of the cluster wears it`];
    if (!text.includes(CLIENT_GROUP_OUTPUT[moduleName]!))
      return [`${address} admits ${key} = ${text}, not the network's ${CLIENT_GROUP_OUTPUT[moduleName]}`];
    return [];
  });
}

function dataStoreCalls(document: Body): Array<{ address: string; name: string; body: Body }> {
  return moduleCalls(document).flatMap(({ address, body }) => {
    const name = calledModuleName(body) ?? "";
    return name in CLIENT_GROUP_OUTPUT ? [{ address, name, body }] : [];
  });
}

// --- the hand-over writes no administrator credentials -----------------------------------------

/** Reading a secret's value in Terraform is how a copy starts: no module may do it. */
function secretReads(module: Body): string[] {
  return [
    ...dataSources(module, "aws_secretsmanager_secret_version").map(({ address }) => address),
    ...ephemeralBlocks(module, "aws_secretsmanager_secret_version").map(({ address }) => address),
  ];
}

const ADMIN_SOURCES = [
  /ephemeral\.aws_secretsmanager_secret_version\./,
  /data\.aws_secretsmanager_secret_version\./,
  /master_user_secret/,
  /var\.database\.[a-z_]*secret/,
  /var\.rabbitmq\.[a-z_]*secret/,
  /\.master_user_password/,
];

// --- one login per service ---------------------------------------------------------------------

function serviceLoginProblems(module: Body): string[] | undefined {
  const credentials = mergedLocals(module).service_credentials;
  if (credentials === undefined) return undefined;
  if (!isBody(credentials)) return ["local.service_credentials must be a literal map"];
  const expected = expectedServiceLogins();
  const problems: string[] = [];
  for (const [key, login] of Object.entries(expected)) {
    const written = credentials[key];
    if (!isBody(written)) {
      problems.push(`${key} is missing: ${login.username} gets no ${login.store} login of its own`);
      continue;
    }
    if (written.username !== login.username || written.store !== login.store)
      problems.push(
        `${key} logs in to ${String(written.store)} as ${String(written.username)}, not ${login.store} as ${login.username}`,
      );
  }
  for (const key of Object.keys(credentials))
    if (!(key in expected))
      problems.push(`${key} is not a login of a service that owns data, nor the monitoring role`);
  // Each login gets a password of its own, generated per secret.
  const passwords = ephemeralBlocks(module, "random_password").find(
    ({ body }) => body.for_each === "${local.service_credentials}",
  );
  if (!passwords)
    problems.push(
      "the service passwords must come from an ephemeral random_password over local.service_credentials",
    );
  const values = String(mergedLocals(module).secret_values ?? "");
  if (passwords && !values.includes(`${passwords.address}[key].result`))
    problems.push(`local.secret_values must give each login ${passwords.address}[key].result`);
  return problems;
}

// --- cluster access ------------------------------------------------------------------------------

const ADMIN_POLICY = "cluster-access-policy/AmazonEKSClusterAdminPolicy";

function clusterAccessProblems(module: Body, address: string, body: Body): string[] {
  const problems: string[] = [];
  const access = firstBlock(body, "access_config") ?? {};
  if (access.authentication_mode !== "API")
    problems.push(`${address} must set access_config.authentication_mode = "API" (access entries only)`);
  if (access.bootstrap_cluster_creator_admin_permissions !== false)
    problems.push(
      `${address} must set bootstrap_cluster_creator_admin_permissions = false: the creator would be a cluster-admin no access entry shows`,
    );
  const entries = resources(module, "aws_eks_access_entry");
  const associations = resources(module, "aws_eks_access_policy_association").filter(
    ({ body: association }) => String(association.policy_arn).includes(ADMIN_POLICY),
  );
  const fromVariable = (candidate: Body) => /var\.([A-Za-z0-9_]+)/.exec(String(candidate.for_each))?.[1];
  const variable = entries.map(({ body: entry }) => fromVariable(entry)).find(Boolean);
  if (
    !variable ||
    associations.length === 0 ||
    !associations.every(({ body: a }) => fromVariable(a) === variable)
  )
    problems.push(
      `${address}: the administrators must be access entries with the cluster admin policy, over a variable of principal ARNs`,
    );
  const declared = variables(module).find((candidate) => candidate.address === `var.${variable}`)?.body;
  if (variable && declared && "default" in declared)
    problems.push(`var.${variable} must be required: a cluster without administrators cannot be deployed to`);
  return problems;
}

export const leastPrivilegeModuleRules: ModuleRule[] = [
  {
    id: "data-store-ingress-client-groups-only",
    title:
      "RDS and Amazon MQ admit only referenced client security groups, never a CIDR or the cluster's group",
    mirrors: ["CKV_AWS_23 (closest)", "AVD-AWS-0107 (closest)", "issue: least privilege on the network"],
    scope: "module",
    evaluate: (module) => {
      const rules = evaluateEach(dataStoreIngress(module), ingressProblem);
      const calls = evaluateEach(dataStoreCalls(module), ({ address, name, body }) =>
        allowedGroupProblems(address, name, body),
      );
      return {
        checked: rules.checked + calls.checked,
        violations: [...rules.violations, ...calls.violations],
      };
    },
    violatingExample: `resource "aws_db_instance" "this" {
  identifier = "parley"
}

resource "aws_vpc_security_group_ingress_rule" "vpc" {
  security_group_id = aws_security_group.this.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "10.30.0.0/16"
}

module "rabbitmq" {
  source                  = "../../modules/rabbitmq"
  allowed_security_groups = { cluster = module.kubernetes.cluster_security_group_id }
}
`,
  },
  {
    id: "no-admin-credential-copies",
    title:
      "No module reads a secret's value or writes a secret from the RDS master or broker administrator credentials",
    mirrors: ["CKV_SECRET_6 (closest)", "issue: credentials that survive rotation"],
    scope: "module",
    evaluate: (module) => {
      const reads = evaluateEach(
        secretReads(module),
        (address) =>
          `${address} reads a secret's value into Terraform: read it where it is used, never copy it`,
      );
      const writes = evaluateEach(
        resources(module, "aws_secretsmanager_secret_version"),
        ({ address, body }) => {
          const value = expandedStrings(module, [
            body.secret_string,
            body.secret_string_wo,
            body.secret_binary,
          ]);
          const copied = ADMIN_SOURCES.filter((source) => value.some((text) => source.test(text)));
          return copied.length > 0
            ? `${address} writes a value taken from administrator credentials (${copied.map(String).join(", ")})`
            : undefined;
        },
      );
      return {
        checked: reads.checked + writes.checked,
        violations: [...reads.violations, ...writes.violations],
      };
    },
    violatingExample: `ephemeral "aws_secretsmanager_secret_version" "database_master" {
  secret_id = var.database.secret_arn
}

locals {
  master = jsondecode(ephemeral.aws_secretsmanager_secret_version.database_master.secret_string)
  values = { database = { username = local.master.username, password = local.master.password } }
}

resource "aws_secretsmanager_secret_version" "database" {
  secret_id                = aws_secretsmanager_secret.database.id
  secret_string_wo         = jsonencode(local.values.database)
  secret_string_wo_version = 1
}
`,
  },
  {
    id: "one-login-per-service",
    title:
      "The hand-over gives every service that owns data its own PostgreSQL runtime and migration roles and RabbitMQ user, each with its own generated password",
    mirrors: ["none in Checkov/Trivy: least privilege of DESIGN.md (a role and a broker user per service)"],
    scope: "module",
    evaluate: (module) => {
      const problems = serviceLoginProblems(module);
      return problems === undefined ? { checked: 0, violations: [] } : { checked: 1, violations: problems };
    },
    violatingExample: `locals {
  service_credentials = {
    "auth/database"          = { username = "parley", store = "postgres" }
    "auth/database-migrator" = { username = "parley", store = "postgres" }
    "auth/rabbitmq"          = { username = "parley", store = "rabbitmq" }
  }
  secret_values = { for key, credential in local.service_credentials : key => { password = ephemeral.random_password.shared.result } }
}

ephemeral "random_password" "shared" {
  length = 40
}
`,
  },
  {
    id: "no-bootstrap-cluster-admin",
    title:
      "EKS clusters give the creator no hidden cluster-admin: administrators are access entries from a required variable",
    mirrors: ["none in Checkov/Trivy: EKS best practices, access entries instead of the bootstrap admin"],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_eks_cluster"), ({ address, body }) => {
        const problems = clusterAccessProblems(module, address, body);
        return problems.length > 0 ? problems : undefined;
      }),
    violatingExample: `resource "aws_eks_cluster" "this" {
  name = "parley"

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = true
  }
}
`,
  },
  {
    id: "pods-get-security-groups",
    title:
      "EKS clusters can give pods security groups: the cluster role has AmazonEKSVPCResourceController and the VPC CNI ENABLE_POD_ENI",
    mirrors: [
      "none in Checkov/Trivy: security groups for pods, so only the pods that own data reach the stores",
    ],
    scope: "module",
    evaluate: (module) =>
      evaluateEach(resources(module, "aws_eks_cluster"), ({ address }) => {
        const controller = resources(module, "aws_iam_role_policy_attachment").some(({ body }) =>
          String(body.policy_arn).endsWith("/AmazonEKSVPCResourceController"),
        );
        const cni = resources(module, "aws_eks_addon").find(({ body }) => body.addon_name === "vpc-cni");
        const podEni = /ENABLE_POD_ENI\s*=\s*"true"/.test(String(cni?.body.configuration_values));
        const standard = /POD_SECURITY_GROUP_ENFORCING_MODE\s*=\s*"standard"/.test(
          String(cni?.body.configuration_values),
        );
        const problems = [
          ...(controller ? [] : [`${address}: the cluster role needs AmazonEKSVPCResourceController`]),
          ...(podEni && standard
            ? []
            : [
                `${address}: the vpc-cni add-on needs ENABLE_POD_ENI = "true" and POD_SECURITY_GROUP_ENFORCING_MODE = "standard" (NetworkPolicies keep applying)`,
              ]),
        ];
        return problems.length > 0 ? problems : undefined;
      }),
    violatingExample: `resource "aws_eks_cluster" "this" {
  name = "parley"
}

resource "aws_eks_addon" "vpc_cni" {
  addon_name           = "vpc-cni"
  configuration_values = jsonencode({ enableNetworkPolicy = "true" })
}
`,
  },
];

export const leastPrivilegeStackRules: StackRule[] = [
  {
    id: "stores-admit-client-groups-only",
    title:
      "Every environment's PostgreSQL and RabbitMQ admit only the network stack's client security group of that store",
    mirrors: ["none in Checkov/Trivy: issue, least privilege on the network"],
    scope: "stack",
    evaluate: (stack) =>
      evaluateEach(dataStoreCalls(stack), ({ address, name, body }) => {
        const problems = allowedGroupProblems(address, name, body);
        const fromNetwork = JSON.stringify(body.allowed_security_groups).includes("-network.outputs.");
        if (problems.length === 0 && !fromNetwork)
          problems.push(`${address} must take its client group from the network stack`);
        return problems.length > 0 ? problems : undefined;
      }),
    violatingChange: {
      environment: "staging",
      component: "messaging",
      apply: (stack) => {
        const call = callsOf(stack, "rabbitmq")[0]!.body;
        (call.allowed_security_groups as Body).cluster =
          "${data.terraform_remote_state.cross-stack-reference-input-parley-staging-cluster.outputs.cross-stack-output-modulekubernetescluster_security_group_id}";
      },
    },
  },
  {
    id: "broker-metrics-for-prometheus-only",
    title:
      "Every environment's RabbitMQ admits the network stack's metrics reader group, and only it, to its metrics port",
    mirrors: ["none in Checkov/Trivy: issue, observability in the cluster (Prometheus scrapes Amazon MQ)"],
    scope: "stack",
    evaluate: (stack) =>
      evaluateEach(callsOf(stack, "rabbitmq"), ({ address, body }) => {
        const metrics = body.metrics_security_groups;
        const entries = isBody(metrics) ? Object.entries(metrics) : [];
        if (entries.length === 0)
          return [`${address} admits no metrics reader: Prometheus cannot scrape the broker`];
        const problems = entries.flatMap(([key, value]) => {
          const text = JSON.stringify(value);
          return text.includes("-network.outputs.") &&
            text.includes("rabbitmq_metrics_client_security_group_id")
            ? []
            : [
                `${address} admits ${key} = ${text} to its metrics port, not the network's metrics reader group`,
              ];
        });
        return problems.length > 0 ? problems : undefined;
      }),
    violatingChange: {
      environment: "production",
      component: "messaging",
      apply: (stack) => {
        const call = callsOf(stack, "rabbitmq")[0]!.body;
        (call.metrics_security_groups as Body).prometheus =
          "${data.terraform_remote_state.cross-stack-reference-input-parley-production-cluster.outputs.cross-stack-output-modulekubernetescluster_security_group_id}";
      },
    },
  },
  {
    id: "cluster-admins-explicit",
    title: "Every cluster names its administrators: IAM roles or users of the environment's own account",
    mirrors: ["none in Checkov/Trivy: EKS access entries instead of the bootstrap admin"],
    scope: "stack",
    evaluate: (stack) => {
      const account = strings(providers(stack, "aws")[0]?.allowed_account_ids)[0];
      return evaluateEach(callsOf(stack, "kubernetes"), ({ address, body }) => {
        const admins = Array.isArray(body.admin_principal_arns) ? body.admin_principal_arns.map(String) : [];
        if (admins.length === 0) return `${address} names no administrator`;
        const foreign = admins.filter(
          (arn) => !new RegExp(`^arn:aws[a-z-]*:iam::${account}:(role|user)/`).test(arn),
        );
        return foreign.length > 0
          ? `${address} names administrators outside account ${account}: ${foreign.join(", ")}`
          : undefined;
      });
    },
    violatingChange: {
      environment: "dev",
      component: "cluster",
      apply: (stack) => {
        callsOf(stack, "kubernetes")[0]!.body.admin_principal_arns = [];
      },
    },
  },
];
