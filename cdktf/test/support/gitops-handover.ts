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

// --- secrets ------------------------------------------------------------------------------------

export interface SecretRead {
  /** Who reads it: the ExternalSecret. */
  by: string;
  key: string;
  /** The `{{ .field }}`s its template reads, or undefined when the JSON keys become the Secret's keys. */
  fields?: string[];
  /** The Kubernetes Secret's keys, when a template builds them. */
  template?: Record<string, string>;
}

/**
 * The Secrets Manager keys an environment's ExternalSecrets read: the overlay's, and Grafana's in
 * gitops/platform/secret-store with the environment the secret-store ApplicationSet patches in.
 */
export function secretsRead(environment: string, overlay: K8sObject[], bootstrap: K8sObject[]): SecretRead[] {
  const externalSecrets = [...overlay, ...render("gitops/platform/secret-store")].filter(
    (o) => o.kind === "ExternalSecret",
  );
  const set = bootstrap.find((o) => o.kind === "ApplicationSet" && o.metadata.name === "secret-store");
  const patches: Json[] = set?.spec.template.spec.source.kustomize?.patches ?? [];
  return externalSecrets.flatMap((secret) => {
    const by = `ExternalSecret ${secret.metadata.name}`;
    const patch = patches.find(
      (p) => p.target.kind === "ExternalSecret" && p.target.name === secret.metadata.name,
    );
    const patchedKey = /value: '([^']+)'/.exec(patch?.patch ?? "")?.[1];
    const keys: string[] = [
      ...(secret.spec.dataFrom ?? []).map((from: Json) => from.extract?.key),
      ...(secret.spec.data ?? []).map((entry: Json) => entry.remoteRef?.key),
    ].filter((key): key is string => typeof key === "string");
    const template: Record<string, string> | undefined = secret.spec.target?.template?.data;
    const fields = template
      ? [
          ...new Set(
            Object.values(template).flatMap((t) => [...t.matchAll(/\{\{\s*\.(\w+)/g)].map((m) => m[1]!)),
          ),
        ]
      : undefined;
    return keys.map((key) => ({
      by,
      key: patchedKey
        ? patchedKey.replace(
            /\{\{ index \.metadata\.annotations "parley\.dev\/environment" \}\}/,
            environment,
          )
        : key,
      ...(fields ? { fields, template } : {}),
    }));
  });
}

export interface SecretWritten {
  name: string;
  /** The JSON keys the module writes; `${...}` keys are expressions. */
  keys: string[];
}

/** The secrets the module creates for one environment, with the JSON keys it writes into each. */
export function secretsWritten(module: Body, environment: string): SecretWritten[] {
  const moduleLocals = locals(module);
  const names = moduleLocals.secret_names;
  const values = moduleLocals.secret_values;
  if (!isBody(names) || !isBody(values))
    throw new Error("local.secret_names or local.secret_values is not literal");
  return Object.entries(names).map(([id, name]) => {
    const keys = literalKeys(values[id], `local.secret_values.${id}`).map((key) => {
      // `(local.x)` as a key: follow it, so `<kid>.pem` shows as such.
      const local = /^\$\{\(local\.(\w+)\)\}$/.exec(key)?.[1];
      return local ? String(moduleLocals[local]) : key;
    });
    return { name: forEnvironment(name, environment), keys };
  });
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
      problems.push(`${reader.by} reads ${reader.key}, which the module does not create`);
      continue;
    }
    for (const field of reader.fields ?? [])
      if (!secret.keys.includes(field))
        problems.push(`${reader.by} reads .${field} of ${reader.key}, which holds ${secret.keys.join(", ")}`);
    if (reader.fields === undefined && reader.by.endsWith("grafana-admin")) {
      if (secret.keys.join() !== GRAFANA_ADMIN_KEYS.join())
        problems.push(
          `${reader.key} holds ${secret.keys.join(", ")}, Grafana reads ${GRAFANA_ADMIN_KEYS.join(", ")}`,
        );
    } else if (reader.fields === undefined) {
      const bad = secret.keys.filter((key) => !SIGNING_KEY.test(key));
      if (bad.length > 0 || secret.keys.length === 0)
        problems.push(`${reader.key} must hold only <kid>.pem keys, holds ${secret.keys.join(", ")}`);
    }
  }
  for (const secret of written)
    if (!read.some((reader) => reader.key === secret.name))
      problems.push(`${secret.name} is created but no ExternalSecret reads it`);
  return problems;
}

/** The URLs the ExternalSecrets build: TLS to PostgreSQL, AMQP over TLS on the Amazon MQ port. */
export function connectionUrlProblems(read: SecretRead[]): string[] {
  const template = (name: string) => read.find((r) => r.template?.[name] !== undefined)?.template?.[name];
  const databaseUrl = template("DATABASE_URL");
  const amqpUrl = template("AMQP_URL");
  const problems: string[] = [];
  if (!databaseUrl?.startsWith("postgres://") || !databaseUrl.endsWith("?sslmode=require"))
    problems.push(`DATABASE_URL ${String(databaseUrl)} must be postgres://...?sslmode=require`);
  if (!amqpUrl?.startsWith("amqps://") || !amqpUrl.endsWith(":{{ .port }}"))
    problems.push(`AMQP_URL ${String(amqpUrl)} must be amqps://...:{{ .port }} (5671 in the secret)`);
  return problems;
}

/** External Secrets may read exactly the module's secrets, and decrypt only with their key. */
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
  const secretAddress = secrets[0]?.address ?? "aws_secretsmanager_secret.?";
  if (read?.resources !== `\${values(${secretAddress})[*].arn}`)
    problems.push(`secrets may be read on ${JSON.stringify(read?.resources)}, not exactly ${secretAddress}`);
  if (strings(read?.actions).some((action) => !action.startsWith("secretsmanager:") || action.includes("*")))
    problems.push(`the read statement allows ${strings(read?.actions).join(", ")}`);
  const keyArn = String(secrets[0]?.body.kms_key_id);
  if (JSON.stringify(strings(decrypt?.resources)) !== JSON.stringify([keyArn]))
    problems.push(`kms:Decrypt is allowed on ${JSON.stringify(decrypt?.resources)}, not only ${keyArn}`);
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

/** The CIDR the overlay's data-egress NetworkPolicy allows (the VPC of its environment). */
export function dataEgress(overlay: K8sObject[]): { cidrs: string[]; ports: number[] } {
  const policy = overlay.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "data-egress");
  const rules: Json[] = policy?.spec.egress ?? [];
  return {
    cidrs: rules.flatMap((rule) => (rule.to ?? []).map((peer: Json) => peer.ipBlock?.cidr)).filter(Boolean),
    ports: rules.flatMap((rule) => (rule.ports ?? []).map((port: Json) => port.port)),
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
