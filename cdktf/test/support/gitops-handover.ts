// The contract between the infrastructure (terraform/modules/gitops-bootstrap, the cdktf stacks) and
// gitops/: each function compares what one side writes with what the other reads and returns one
// message per disagreement. The module's side is its parsed HCL; gitops' side is what Kustomize
// renders, through the gitops tests' own helpers.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { type EnvironmentConfig } from "../../src/config/environment";
import { clusterAnnotations, REPOSITORY } from "../../../gitops/tests/test-support/argocd";
import {
  type K8sObject,
  kustomizationDirs,
  render,
  repoRoot,
} from "../../../gitops/tests/test-support/render";
import { blocks, dataSources, isBody, resources, strings, variables, type Body } from "./terraform-json";

export { repoRoot };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** All `locals` of a parsed module, merged. */
export function locals(module: Body): Body {
  return Object.assign({}, ...blocks(module.locals)) as Body;
}

function literalKeys(value: unknown, what: string): string[] {
  if (!isBody(value)) throw new Error(`${what} is not an object literal in the HCL`);
  return Object.keys(value).sort();
}

/** A module string with `${var.environment}` replaced, as Terraform evaluates it for one environment. */
const forEnvironment = (value: unknown, environment: string) =>
  String(value).replaceAll("${var.environment}", environment);

// --- the root application ---------------------------------------------------------------------

/** The path the module's root application syncs when the caller leaves gitops_path unset. */
export function defaultGitopsPath(module: Body, environment: string): string {
  const match = /coalesce\(var\.gitops_path, "([^"]+)"\)/.exec(String(locals(module).gitops_path));
  if (!match) throw new Error('local.gitops_path is not coalesce(var.gitops_path, "...")');
  return forEnvironment(match[1], environment);
}

/** What the platform stack passes the module, against what gitops/ holds and its Applications track. */
export function rootApplicationProblems(
  environment: EnvironmentConfig,
  call: Body,
  module: Body,
  dirs: string[] = kustomizationDirs(),
): string[] {
  const problems: string[] = [];
  if (call.repository_url !== REPOSITORY)
    problems.push(`repository_url ${String(call.repository_url)} is not ${REPOSITORY}, which gitops/ uses`);
  if ((call.target_revision ?? "main") !== "main")
    problems.push(`target_revision ${String(call.target_revision)} is not main, which gitops/ tracks`);
  const gitopsPath =
    typeof call.gitops_path === "string" ? call.gitops_path : defaultGitopsPath(module, environment.name);
  if (gitopsPath !== `gitops/bootstrap/${environment.name}`)
    problems.push(`the root application syncs ${gitopsPath}, not gitops/bootstrap/${environment.name}`);
  else if (!dirs.includes(gitopsPath)) problems.push(`${gitopsPath} is not a Kustomization under gitops/`);
  return problems;
}

// --- cluster facts ------------------------------------------------------------------------------

/** Annotation keys the module writes on Argo CD's cluster Secret. */
export function writtenClusterFacts(module: Body): string[] {
  return literalKeys(locals(module).cluster_facts, "local.cluster_facts");
}

/** Problems between the annotations the module writes and those the ApplicationSets read. */
export function clusterFactProblems(module: Body, bootstrap: K8sObject[]): string[] {
  const written = writtenClusterFacts(module);
  const read = clusterAnnotations(bootstrap);
  return [
    ...read.filter((key) => !written.includes(key)).map((key) => `gitops reads ${key}, which is not written`),
    ...written
      .filter((key) => !read.includes(key))
      .map((key) => `${key} is written but gitops reads it nowhere`),
  ];
}

/** The clusters generators select the Secret by labels the module puts on it. */
export function clusterSelectorProblems(module: Body, bootstrap: K8sObject[]): string[] {
  const labels = locals(module).cluster_secret_labels;
  if (!isBody(labels)) throw new Error("local.cluster_secret_labels is not an object literal");
  return bootstrap
    .filter((o) => o.kind === "ApplicationSet")
    .flatMap((set) =>
      (set.spec.generators as Json[]).flatMap((generator) => {
        if (generator.clusters === undefined) return [];
        const wanted: Record<string, string> = generator.clusters.selector?.matchLabels ?? {};
        if (Object.keys(wanted).length === 0)
          return [`${set.metadata.name}: its clusters generator selects no label`];
        return Object.entries(wanted)
          .filter(([key, value]) => labels[key] !== value)
          .map(
            ([key, value]) => `${set.metadata.name}: selects ${key}=${value}, which the cluster Secret lacks`,
          );
      }),
    );
}

/** The namespace and name whose IRSA role the module trusts by default. */
export function trustedServiceAccount(module: Body): { namespace: string; name: string } {
  const variable = variables(module).find(
    ({ address }) => address === "var.external_secrets_service_account",
  );
  const type = String(variable?.body.type);
  const option = (field: string) =>
    new RegExp(`${field} *= *optional\\(string, "([^"]+)"\\)`).exec(type)?.[1];
  const namespace = option("namespace");
  const name = option("name");
  if (!namespace || !name) throw new Error("external_secrets_service_account has no defaults");
  return { namespace, name };
}

/** The External Secrets Application runs its controller as the ServiceAccount the role trusts. */
export function serviceAccountProblems(module: Body, bootstrap: K8sObject[]): string[] {
  const trusted = trustedServiceAccount(module);
  const set = bootstrap.find((o) => o.kind === "ApplicationSet" && o.metadata.name === "external-secrets");
  if (set === undefined) return ["no external-secrets ApplicationSet"];
  const spec = set.spec.template.spec;
  const account = spec.source.helm?.valuesObject?.serviceAccount ?? {};
  const problems: string[] = [];
  if (spec.destination.namespace !== trusted.namespace)
    problems.push(
      `External Secrets runs in ${spec.destination.namespace}, the role trusts ${trusted.namespace}`,
    );
  if (account.name !== trusted.name)
    problems.push(`External Secrets runs as ${String(account.name)}, the role trusts ${trusted.name}`);
  if (
    !String(account.annotations?.["eks.amazonaws.com/role-arn"]).includes(
      "parley.dev/external-secrets-role-arn",
    )
  )
    problems.push("the External Secrets ServiceAccount does not take its role from the cluster facts");
  return problems;
}

// --- ApplicationSet patches ---------------------------------------------------------------------

/** Argo CD's Go template for a cluster annotation, as the ApplicationSets write it. */
const ANNOTATION = /\{\{\s*index \.metadata\.annotations "([^"]+)"\s*\}\}/g;

/** A key or value with its cluster annotations resolved: the environment's name, the others as `annotation:<key>`. */
export function resolveAnnotations(value: string, environment: string): string {
  return value.replace(ANNOTATION, (_match, key: string) =>
    key === "parley.dev/environment" ? environment : `annotation:${key}`,
  );
}

function setPointer(target: Json, pointer: string, value: unknown): void {
  const parts = pointer
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (node[part] === undefined) node[part] = {};
    node = node[part];
  }
  node[parts[parts.length - 1]!] = value;
}

/**
 * The objects as the ApplicationSets deploy them: each kustomize patch an ApplicationSet's template
 * carries (JSON 6902 `replace`/`add` operations on a kind and name) applied, annotations still as
 * Go templates. The overlay's placeholders for what only the cluster knows end up as those templates.
 */
export function asDeployed(objects: K8sObject[], bootstrap: K8sObject[]): K8sObject[] {
  const patches: Json[] = bootstrap
    .filter((o) => o.kind === "ApplicationSet")
    .flatMap((set) => set.spec.template.spec.source?.kustomize?.patches ?? []);
  return objects.map((object) => {
    const own = patches.filter(
      (p) => p.target?.kind === object.kind && p.target?.name === object.metadata.name,
    );
    if (own.length === 0) return object;
    const patched = structuredClone(object);
    for (const patch of own)
      for (const operation of (parseYaml(String(patch.patch)) as Json[]) ?? [])
        if (["replace", "add"].includes(operation.op)) setPointer(patched, operation.path, operation.value);
    return patched;
  });
}

// --- secrets ------------------------------------------------------------------------------------

export interface SecretRead {
  /** Who reads it: the ExternalSecret. */
  by: string;
  /** The Secrets Manager key, or `annotation:<key>` where a cluster annotation names it. */
  key: string;
  /** The JSON fields it reads, or undefined when the JSON's keys become the Secret's keys as they are. */
  fields?: string[];
  /** The Kubernetes Secret's keys, when a template builds them. */
  template?: Record<string, string>;
  refreshInterval?: string;
}

/** The `{{ .field }}`s a template reads (ApplicationSet-escaped `{{`{{ .x }}`}}` included). */
function templateFields(template: Record<string, string>): string[] {
  return [
    ...new Set(
      Object.values(template).flatMap((t) => [...String(t).matchAll(/\{\{`?\s*\.(\w+)/g)].map((m) => m[1]!)),
    ),
  ];
}

/**
 * The Secrets Manager keys an environment's ExternalSecrets read, with the fields each reads: the
 * overlay's and Grafana's (gitops/platform/secret-store), as the ApplicationSets deploy them.
 */
export function secretsRead(environment: string, overlay: K8sObject[], bootstrap: K8sObject[]): SecretRead[] {
  const externalSecrets = asDeployed(
    [...overlay, ...render("gitops/platform/secret-store")].filter((o) => o.kind === "ExternalSecret"),
    bootstrap,
  );
  return externalSecrets.flatMap((secret) => {
    const by = `ExternalSecret ${secret.metadata.name}`;
    const refreshInterval = secret.spec.refreshInterval as string | undefined;
    const template: Record<string, string> | undefined = secret.spec.target?.template?.data;
    const data: Json[] = secret.spec.data ?? [];
    const local = new Set(data.map((entry) => entry.secretKey));
    const templated = template ? templateFields(template).filter((field) => !local.has(field)) : undefined;
    const fromDataFrom: SecretRead[] = (secret.spec.dataFrom ?? [])
      .map((from: Json) => from.extract?.key)
      .filter((key: unknown): key is string => typeof key === "string")
      .map((key: string) => ({
        by,
        key: resolveAnnotations(key, environment),
        refreshInterval,
        ...(templated ? { fields: templated, template } : {}),
      }));
    const byKey = new Map<string, Json[]>();
    for (const entry of data) {
      const key = entry.remoteRef?.key;
      if (typeof key === "string") byKey.set(key, [...(byKey.get(key) ?? []), entry]);
    }
    const fromData: SecretRead[] = [...byKey].map(([key, entries]) => {
      const properties = entries.map((entry) => entry.remoteRef.property);
      const whole = properties.some((property) => typeof property !== "string");
      return {
        by,
        key: resolveAnnotations(key, environment),
        refreshInterval,
        ...(whole ? {} : { fields: [...new Set(properties as string[])] }),
        ...(template ? { template } : {}),
      };
    });
    return [...fromDataFrom, ...fromData];
  });
}

export interface SecretWritten {
  /** The Secrets Manager name, or `annotation:<key>` for a secret handed over by a cluster annotation. */
  name: string;
  /** The JSON keys it holds; `${...}` keys are expressions. */
  keys: string[];
}

/** The keys of a `jsonencode({ a = ..., b = ... })` written in HCL. */
function jsonencodedKeys(expression: unknown, what: string): string[] {
  const body = /jsonencode\(\{([\s\S]*)\}\)/.exec(String(expression))?.[1];
  if (body === undefined) throw new Error(`${what} is not jsonencode({ ... })`);
  return [...body.matchAll(/^\s*([A-Za-z_][\w-]*)\s*=/gm)].map((m) => m[1]!).sort();
}

/** The JSON the RDS-managed master secret holds (RDS writes it: username and password only). */
const RDS_MASTER_SECRET_KEYS = ["password", "username"];

/**
 * The secrets the module creates for one environment, with the JSON keys it writes into each, and
 * the administrators' secrets it hands over by a cluster annotation (the RDS-managed master secret,
 * the rabbitmq module's administrator secret, whose JSON `rabbitmqModule` writes).
 */
export function secretsWritten(module: Body, environment: string, rabbitmqModule: Body): SecretWritten[] {
  const moduleLocals = locals(module);
  const names = String(moduleLocals.secret_names);
  const values = String(moduleLocals.secret_values);
  const platform = moduleLocals.platform_secret_values;
  const services = moduleLocals.service_credentials;
  const stores = moduleLocals.store_connections;
  if (!isBody(platform) || !isBody(services) || !isBody(stores))
    throw new Error("local.platform_secret_values, service_credentials or store_connections is not literal");

  const platformNames = new Map(
    [...names.matchAll(/(\w+)\s*=\s*"parley\/\$\{var\.environment\}\/([\w-]+)"/g)].map((m) => [m[1]!, m[2]!]),
  );
  const written: SecretWritten[] = Object.entries(platform).map(([id, value]) => {
    const suffix = platformNames.get(id);
    if (!suffix) throw new Error(`local.secret_names does not name ${id}`);
    const keys = literalKeys(value, `local.platform_secret_values.${id}`).map((key) => {
      // `(local.x)` as a key: follow it, so `<kid>.pem` shows as such.
      const local = /^\$\{\(local\.(\w+)\)\}$/.exec(key)?.[1];
      return local ? String(moduleLocals[local]) : key;
    });
    return { name: `parley/${environment}/${suffix}`, keys };
  });

  if (
    !/for key in keys\(local\.service_credentials\) : key => "parley\/\$\{var\.environment\}\/\$\{key\}"/.test(
      names,
    )
  )
    throw new Error(
      'local.secret_names does not name each service secret "parley/${var.environment}/${key}"',
    );
  const serviceValue =
    /merge\(local\.store_connections\[credential\.store\], \{\s*username = credential\.username\s*password = [^\n]+\s*\}\)/;
  if (!serviceValue.test(values))
    throw new Error(
      "local.secret_values does not write each service secret as its store's connection, username and password",
    );
  for (const [key, credential] of Object.entries(services)) {
    const store = isBody(credential) ? stores[String(credential.store)] : undefined;
    written.push({
      name: `parley/${environment}/${key}`,
      keys: [...literalKeys(store, `local.store_connections of ${key}`), "password", "username"].sort(),
    });
  }

  // The administrators' secrets: not written here, handed over by where they are.
  const adminKeys: Record<string, string[]> = {
    "${var.database.master_secret_arn}": RDS_MASTER_SECRET_KEYS,
    "${var.rabbitmq.admin_secret_name}": jsonencodedKeys(
      resources(rabbitmqModule, "aws_secretsmanager_secret_version")[0]?.body.secret_string_wo,
      "the rabbitmq module's secret_string_wo",
    ),
  };
  const facts = locals(module).cluster_facts;
  for (const [annotation, value] of Object.entries(isBody(facts) ? facts : {}))
    if (String(value) in adminKeys)
      written.push({ name: `annotation:${annotation}`, keys: adminKeys[String(value)]! });
  return written;
}

// The keys kube-prometheus-stack's Grafana reads from grafana.admin.existingSecret (chart defaults
// grafana.admin.userKey and passwordKey), and the key pattern auth loads as signing keys.
const GRAFANA_ADMIN_KEYS = ["admin-password", "admin-user"];
const SIGNING_KEY = /^(\$\{var\.\w+\}|[0-9A-Za-z][0-9A-Za-z._-]*)\.pem$/;

/** Every secret read is written, in the shape it is read; every secret written is read. */
export function secretProblems(read: SecretRead[], written: SecretWritten[]): string[] {
  const problems: string[] = [];
  for (const reader of read) {
    const secret = written.find((w) => w.name === reader.key);
    if (secret === undefined) {
      problems.push(`${reader.by} reads ${reader.key}, which the module does not create or hand over`);
      continue;
    }
    for (const field of reader.fields ?? [])
      if (!secret.keys.includes(field))
        problems.push(`${reader.by} reads .${field} of ${reader.key}, which holds ${secret.keys.join(", ")}`);
    if (reader.fields === undefined && secret.name.endsWith("/grafana-admin")) {
      if (secret.keys.join() !== GRAFANA_ADMIN_KEYS.join())
        problems.push(
          `${reader.key} holds ${secret.keys.join(", ")}, Grafana reads ${GRAFANA_ADMIN_KEYS.join(", ")}`,
        );
    } else if (reader.fields === undefined && secret.name.endsWith("/jwt-signing-keys")) {
      const bad = secret.keys.filter((key) => !SIGNING_KEY.test(key));
      if (bad.length > 0 || secret.keys.length === 0)
        problems.push(`${reader.key} must hold only <kid>.pem keys, holds ${secret.keys.join(", ")}`);
    }
  }
  for (const secret of written)
    if (!read.some((reader) => reader.key === secret.name))
      problems.push(
        `${secret.name} is ${secret.name.startsWith("annotation:") ? "handed over" : "created"} but no ExternalSecret reads it`,
      );
  return problems;
}

/** Every ExternalSecret refreshes (rotated passwords and RDS's master rotation reach the cluster). */
export function refreshProblems(read: SecretRead[]): string[] {
  return [
    ...new Set(
      read
        .filter((r) => !r.refreshInterval || /^0+[smh]?$/.test(r.refreshInterval))
        .map((r) => `${r.by} never refreshes (refreshInterval ${String(r.refreshInterval)})`),
    ),
  ];
}

/** The URLs the ExternalSecrets build: TLS to PostgreSQL, AMQP over TLS on the Amazon MQ port. */
export function connectionUrlProblems(read: SecretRead[]): string[] {
  const templates = (name: string) => [
    ...new Set(read.map((r) => r.template?.[name]).filter((t): t is string => t !== undefined)),
  ];
  const databaseUrls = templates("DATABASE_URL");
  const amqpUrls = templates("AMQP_URL");
  const problems: string[] = [];
  if (databaseUrls.length === 0) problems.push("no ExternalSecret builds a DATABASE_URL");
  if (amqpUrls.length === 0) problems.push("no ExternalSecret builds an AMQP_URL");
  for (const url of databaseUrls)
    if (!url.startsWith("postgres://") || !url.endsWith("?sslmode=require"))
      problems.push(`DATABASE_URL ${url} must be postgres://...?sslmode=require`);
  for (const url of amqpUrls)
    if (!url.startsWith("amqps://") || !url.endsWith(":{{ .port }}"))
      problems.push(`AMQP_URL ${url} must be amqps://...:{{ .port }} (5671 in the secret)`);
  return problems;
}

const READ_RESOURCES =
  "${concat(\n      values(aws_secretsmanager_secret.platform)[*].arn,\n      [var.database.master_secret_arn, var.rabbitmq.admin_secret_arn],\n    )}";
const DECRYPT_RESOURCES = [
  "${module.secrets_key.arn}",
  "${var.database.master_secret_kms_key_arn}",
  "${var.rabbitmq.admin_secret_kms_key_arn}",
];

/**
 * External Secrets may read exactly the module's secrets (all of them `parley/<environment>/*`), the
 * RDS-managed master secret and the broker administrator's secret, and decrypt only with their keys,
 * only through Secrets Manager.
 */
export function externalSecretsAccessProblems(module: Body): string[] {
  const document = dataSources(module, "aws_iam_policy_document").find(
    ({ address }) => address === "data.aws_iam_policy_document.external_secrets_read",
  );
  const statements = blocks(document?.body.statement);
  const problems: string[] = [];
  if (statements.length !== 2) problems.push(`the read policy has ${statements.length} statements, not 2`);
  const read = statements.find((s) => strings(s.actions).includes("secretsmanager:GetSecretValue"));
  const decrypt = statements.find((s) => strings(s.actions).includes("kms:Decrypt"));
  const secrets = resources(module, "aws_secretsmanager_secret");
  if (secrets.length !== 1 || secrets[0]!.body.for_each !== "${local.secret_names}")
    problems.push(
      "the module must create its secrets as one aws_secretsmanager_secret over local.secret_names",
    );
  if (!JSON.stringify(locals(module).secret_names ?? "").includes("parley/${var.environment}/"))
    problems.push("the module's secrets must all be named parley/<environment>/...");
  const normalized = (value: unknown) => String(value).replace(/\s+/g, " ");
  if (normalized(read?.resources) !== normalized(READ_RESOURCES))
    problems.push(
      `secrets may be read on ${JSON.stringify(read?.resources)}, not exactly the module's secrets, the RDS master secret and the broker administrator's`,
    );
  if (strings(read?.actions).some((action) => !action.startsWith("secretsmanager:") || action.includes("*")))
    problems.push(`the read statement allows ${strings(read?.actions).join(", ")}`);
  if (String(secrets[0]?.body.kms_key_id) !== DECRYPT_RESOURCES[0])
    problems.push(`the module's secrets must be encrypted with ${DECRYPT_RESOURCES[0]}`);
  if (JSON.stringify(strings(decrypt?.resources)) !== JSON.stringify(DECRYPT_RESOURCES))
    problems.push(
      `kms:Decrypt is allowed on ${JSON.stringify(decrypt?.resources)}, not only ${DECRYPT_RESOURCES.join(", ")}`,
    );
  if (!blocks(decrypt?.condition).some((c) => c.variable === "kms:ViaService"))
    problems.push("kms:Decrypt is not limited to Secrets Manager (kms:ViaService)");
  return problems;
}

/** No secret value of the module reaches the state: write-only versions fed by ephemeral resources. */
export function stateExposureProblems(module: Body): string[] {
  const problems: string[] = [];
  for (const { address, body } of resources(module, "aws_secretsmanager_secret_version")) {
    if ("secret_string" in body || "secret_binary" in body)
      problems.push(`${address} stores its value in the state; use secret_string_wo`);
    if (!("secret_string_wo" in body && "secret_string_wo_version" in body))
      problems.push(`${address} must write secret_string_wo with a secret_string_wo_version`);
  }
  for (const type of ["random_password", "tls_private_key"])
    for (const { address } of resources(module, type))
      problems.push(`${address} keeps its value in the state`);
  for (const { address } of dataSources(module, "aws_secretsmanager_secret_version"))
    problems.push(`${address} keeps the secret in the state; use the ephemeral resource`);
  const ephemeral = isBody(module.ephemeral) ? module.ephemeral : {};
  const key = blocks(
    isBody(ephemeral.tls_private_key) ? Object.values(ephemeral.tls_private_key)[0] : undefined,
  )[0];
  if (key?.algorithm !== "ECDSA" || key.ecdsa_curve !== "P256")
    problems.push("the signing key must come from an ephemeral tls_private_key, ECDSA P256");
  return problems;
}

// --- security groups for pods -------------------------------------------------------------------

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

function selects(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return false;
  const plain = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const expressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === "In") return values.includes(labels[key] ?? "\u0000");
    if (operator === "NotIn") return !values.includes(labels[key] ?? "\u0000");
    if (operator === "Exists") return key in labels;
    if (operator === "DoesNotExist") return !(key in labels);
    return false;
  });
  return plain && expressions;
}

/** `annotation:<key>` of the cluster fact handing over each `var.security_group_ids.<variable>`. */
function securityGroupAnnotations(module: Body, variables: string[]): string[] {
  const facts = locals(module).cluster_facts;
  return variables.map((variable) => {
    const annotation = Object.entries(isBody(facts) ? facts : {}).find(
      ([, value]) => value === `\${var.security_group_ids.${variable}}`,
    )?.[0];
    if (!annotation) throw new Error(`no cluster fact hands over var.security_group_ids.${variable}`);
    return `annotation:${annotation}`;
  });
}

/**
 * Security groups for pods, checked against the overlay: every pod of a service that owns data (its
 * Deployment and its migration Job) wears the cluster's group and both client groups, read from the
 * cluster annotations the module writes; no other pod (the gateway) wears a client group.
 */
export function securityGroupPolicyProblems(
  environment: string,
  module: Body,
  overlay: K8sObject[],
  bootstrap: K8sObject[],
  dataServices: string[],
  databaseMonitors: string[] = [],
): string[] {
  const wanted = securityGroupAnnotations(module, ["cluster", "postgres_clients", "rabbitmq_clients"]);
  const clients = wanted.slice(1);
  const policies = asDeployed(
    overlay.filter((o) => o.kind === "SecurityGroupPolicy"),
    bootstrap,
  );
  const pods = overlay.filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind));
  if (policies.length === 0) return ["the overlay has no SecurityGroupPolicy"];
  const problems: string[] = [];
  for (const pod of pods) {
    const labels: Record<string, string> = pod.spec.template?.metadata?.labels ?? {};
    const groups = policies
      .filter((policy) => selects(policy.spec.podSelector, labels))
      .flatMap((policy) =>
        ((policy.spec.securityGroups?.groupIds ?? []) as string[]).map((id) =>
          resolveAnnotations(id, environment),
        ),
      );
    const owner = labels["app.kubernetes.io/name"] ?? "";
    const name = `${pod.kind} ${pod.metadata.name}`;
    if (dataServices.includes(owner)) {
      const missing = wanted.filter((group) => !groups.includes(group));
      if (missing.length > 0) problems.push(`${name} does not wear ${missing.join(", ")}`);
    } else if (databaseMonitors.includes(owner)) {
      // The cluster's group and the PostgreSQL client group, never the broker's.
      const missing = wanted.slice(0, 2).filter((group) => !groups.includes(group));
      if (missing.length > 0) problems.push(`${name} does not wear ${missing.join(", ")}`);
      if (groups.includes(wanted[2]!)) problems.push(`${name} (${owner}) wears the broker's client group`);
    } else if (groups.some((group) => clients.includes(group))) {
      problems.push(`${name} (${owner || "no app.kubernetes.io/name"}) wears a data store's client group`);
    }
  }
  return problems;
}

/**
 * The Prometheus pods' SecurityGroupPolicy (gitops/platform/prometheus-network) as its ApplicationSet
 * deploys it: it selects the pods the Prometheus operator creates and gives them exactly the
 * cluster's group and the broker's metrics group, read from the cluster annotations the module writes.
 */
export function prometheusSecurityGroupProblems(module: Body, bootstrap: K8sObject[]): string[] {
  const wanted = securityGroupAnnotations(module, ["cluster", "rabbitmq_metrics_clients"]);
  const policies = asDeployed(
    render("gitops/platform/prometheus-network").filter((o) => o.kind === "SecurityGroupPolicy"),
    bootstrap,
  );
  const prometheusPod = {
    "app.kubernetes.io/name": "prometheus",
    "app.kubernetes.io/managed-by": "prometheus-operator",
  };
  const selecting = policies.filter((policy) => selects(policy.spec.podSelector, prometheusPod));
  if (selecting.length === 0) return ["no SecurityGroupPolicy selects the Prometheus operator's pods"];
  const groups = selecting.flatMap((policy) =>
    ((policy.spec.securityGroups?.groupIds ?? []) as string[]).map((id) => resolveAnnotations(id, "any")),
  );
  return JSON.stringify(groups.sort()) === JSON.stringify(wanted.sort())
    ? []
    : [`the Prometheus pods wear ${groups.join(", ")}, not ${wanted.join(", ")}`];
}

// --- Argo CD's Application health check -------------------------------------------------------

export const HEALTH_KEY = "resource.customizations.health.argoproj.io_Application";

/** The health check in the module's argo-cd chart values, and whether helm_release.argocd uses them. */
export function chartHealthCheck(
  module: Body,
  moduleDirectory: string,
): { check?: string; problems: string[] } {
  const release = resources(module, "helm_release").find(({ address }) => address === "helm_release.argocd");
  const values = strings(release?.body.values);
  const file = values.map((v) => /file\("\$\{path\.module\}\/([^"]+)"\)/.exec(v)?.[1]).find(Boolean);
  if (!file) return { problems: ["helm_release.argocd takes no values file"] };
  const parsed = parseYaml(fs.readFileSync(path.join(moduleDirectory, file), "utf8")) as Json;
  const check = parsed?.configs?.cm?.[HEALTH_KEY] as string | undefined;
  return { check, problems: check ? [] : [`${file} sets no configs.cm.${HEALTH_KEY}`] };
}

/** The `HEALTH_KEY: |` block of a Markdown YAML snippet, as YAML reads it. */
export function documentedHealthCheck(markdown: string): string | undefined {
  for (const block of markdown.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const parsed = parseYaml(block[1]!) as Json;
    if (isBody(parsed) && typeof parsed[HEALTH_KEY] === "string") return parsed[HEALTH_KEY];
  }
  return undefined;
}

// --- network --------------------------------------------------------------------------------------

/** The CIDRs and ports the overlay's NetworkPolicies allow out to addresses (the data stores in the VPC). */
export function dataEgress(overlay: K8sObject[]): { cidrs: string[]; ports: number[] } {
  const rules: Json[] = overlay
    .filter((o) => o.kind === "NetworkPolicy")
    .flatMap((policy) => policy.spec.egress ?? [])
    .filter((rule: Json) => (rule.to ?? []).some((peer: Json) => peer.ipBlock !== undefined));
  return {
    cidrs: [
      ...new Set<string>(
        rules.flatMap((rule) => (rule.to ?? []).map((peer: Json) => peer.ipBlock?.cidr)).filter(Boolean),
      ),
    ],
    ports: [...new Set<number>(rules.flatMap((rule) => (rule.ports ?? []).map((port: Json) => port.port)))],
  };
}

export function vpcProblems(environment: EnvironmentConfig, overlay: K8sObject[]): string[] {
  const { cidrs } = dataEgress(overlay);
  return cidrs.length === 1 && cidrs[0] === environment.network.cidrBlock
    ? []
    : [
        `${environment.name}: data egress to ${cidrs.join(", ") || "nothing"}, the VPC is ${environment.network.cidrBlock}`,
      ];
}

// --- placeholders ---------------------------------------------------------------------------------

export const REGISTRY = "ghcr.io/parley-messaging";

/** GitHub repositories and container registries named in a text, other than this project's. */
export function foreignPlaceholders(text: string): string[] {
  const repositories = [...text.matchAll(/github\.com\/([\w.-]+)\/parley\b/g)]
    .filter((m) => m[1] !== "parley-messaging")
    .map((m) => m[0]);
  const registries = [...text.matchAll(/ghcr\.io\/([\w.-]+)/g)]
    .filter((m) => `ghcr.io/${m[1]}` !== REGISTRY)
    .map((m) => m[0]);
  return [...repositories, ...registries];
}

/** Files of the infrastructure and gitops/ that name the repository or the registry. */
export function placeholderFiles(): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // Tests hold counter-examples on purpose.
        if (!["node_modules", "dist", "cdktf.out", ".terraform", "test", "tests"].includes(entry.name))
          visit(relative);
      } else if (/\.(tf|ts|md|yaml|yml|json|Tiltfile)$|^Tiltfile$/.test(entry.name)) found.push(relative);
    }
  };
  for (const dir of ["terraform", "cdktf", "gitops", "tilt"]) visit(dir);
  return [...found, "README.md", "Tiltfile"].filter((file) => fs.existsSync(path.join(repoRoot, file)));
}
