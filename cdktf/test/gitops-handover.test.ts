// The hand-over from the infrastructure to gitops/, checked from both sides: the gitops-bootstrap
// module's HCL and the synthesized stacks against what gitops/ renders. Each check also has a case
// it must catch. The contract is described in terraform/modules/gitops-bootstrap/README.md.
import * as fs from "fs";
import * as path from "path";
import { environments } from "../src/config/environments";
import { applications } from "../../gitops/tests/test-support/argocd";
import { find, overlayDir, render } from "../../gitops/tests/test-support/render";
import {
  loadModule,
  parseDirectory,
  parseHcl,
  terraformDirectory,
  type HclModule,
} from "./support/hcl-modules";
import {
  chartHealthCheck,
  clusterFactProblems,
  clusterSelectorProblems,
  connectionUrlProblems,
  dataEgress,
  documentedHealthCheck,
  externalSecretsAccessProblems,
  foreignPlaceholders,
  locals,
  placeholderFiles,
  repoRoot,
  rootApplicationProblems,
  secretProblems,
  secretsRead,
  secretsWritten,
  serviceAccountProblems,
  stateExposureProblems,
  vpcProblems,
  writtenClusterFacts,
} from "./support/gitops-handover";
import { removeSynthesized, synthesizeApp, type SynthesizedApp } from "./support/synthesized-app";
import { blocks, moduleCalls, resources, type Body } from "./support/terraform-json";

let bootstrapModule: HclModule;
let postgres: HclModule;
let rabbitmq: HclModule;
let kubernetes: HclModule;
let example: Body;
let app: SynthesizedApp;

beforeAll(async () => {
  [bootstrapModule, postgres, rabbitmq, kubernetes] = await Promise.all([
    loadModule("gitops-bootstrap"),
    loadModule("postgres"),
    loadModule("rabbitmq"),
    loadModule("kubernetes"),
  ]);
  example = await parseDirectory(path.join(terraformDirectory, "examples", "complete"));
  app = synthesizeApp();
});

afterAll(() => removeSynthesized(app));

const hcl = () => bootstrapModule.document;
const bootstrap = (environment: string) => render(`gitops/bootstrap/${environment}`);
const overlay = (environment: string) => render(overlayDir(environment));
const readme = (file: string) => fs.readFileSync(path.join(repoRoot, file), "utf8");

function bootstrapCall(environment: string): Body {
  const stack = app.stacks.find((s) => s.name === `parley-${environment}-platform`);
  const call = moduleCalls(stack?.document ?? {}).find(
    ({ address }) => address === "module.gitops_bootstrap",
  );
  if (!call) throw new Error(`parley-${environment}-platform calls no gitops_bootstrap module`);
  return call.body;
}

describe.each(environments)("the $name environment", (environment) => {
  const name = environment.name;

  it("has its root application sync this repository's gitops/bootstrap/<environment> at main", () => {
    expect(rootApplicationProblems(environment, bootstrapCall(name), hcl())).toEqual([]);
    expect(find(bootstrap(name), "Application", "parley").spec.source.path).toBe(`gitops/overlays/${name}`);
  });

  it("writes exactly the cluster facts its ApplicationSets read, on a Secret they select", () => {
    expect(clusterFactProblems(hcl(), bootstrap(name))).toEqual([]);
    expect(clusterSelectorProblems(hcl(), bootstrap(name))).toEqual([]);
    expect(serviceAccountProblems(hcl(), bootstrap(name))).toEqual([]);
  });

  it("creates every secret its ExternalSecrets read, in the JSON shape they template, and no other", () => {
    const read = secretsRead(name, overlay(name), bootstrap(name));
    expect(read.map((r) => r.key).sort()).toEqual(
      ["database", "grafana-admin", "jwt-signing-keys", "rabbitmq"].map((s) => `parley/${name}/${s}`),
    );
    expect(secretProblems(read, secretsWritten(hcl(), name))).toEqual([]);
    expect(connectionUrlProblems(read)).toEqual([]);
  });

  it("lets the services reach the data stores of its own VPC, on the ports the modules open", () => {
    expect(vpcProblems(environment, overlay(name))).toEqual([]);
    // The plain-Terraform example builds the same VPCs.
    expect((locals(example).vpc_cidrs as Body)[name]).toBe(environment.network.cidrBlock);
    const postgresPort = locals(postgres.document).port;
    const amqpsPort = locals(rabbitmq.document).amqps_port;
    expect(dataEgress(overlay(name)).ports.sort()).toEqual([postgresPort, amqpsPort].sort());
  });
});

describe("the infrastructure side", () => {
  it("lets External Secrets read exactly the module's four secrets, decrypting only with their key", () => {
    expect(resources(hcl(), "aws_secretsmanager_secret")[0]?.body.kms_key_id).toBe(
      "${module.secrets_key.arn}",
    );
    expect(externalSecretsAccessProblems(hcl())).toEqual([]);
  });

  it("keeps every secret value out of the Terraform state and plan", () => {
    expect(stateExposureProblems(hcl())).toEqual([]);
  });

  it("has the plain-Terraform example follow this repository by default", () => {
    const variable = blocks((example.variable as Body).repository_url)[0];
    expect(variable?.default).toBe("https://github.com/parley-messaging/parley.git");
  });

  it("lets the broker endpoint be nothing but AMQP over TLS on 5671", () => {
    const rabbitmqOutput = rabbitmq.document.output as Body;
    expect(JSON.stringify(rabbitmqOutput.amqp_endpoint)).toContain(
      "amqps://${local.amqp_host}:${local.amqps_port}",
    );
    const variable = blocks((hcl().variable as Body).rabbitmq)[0];
    expect(JSON.stringify(variable?.validation)).toContain(":5671$");
  });

  it("installs Argo CD with the Application health check that gitops' sync waves need", () => {
    const { check, problems } = chartHealthCheck(hcl(), bootstrapModule.directory);
    expect(problems).toEqual([]);
    expect(check).toContain("obj.status.health.status");
    expect(documentedHealthCheck(readme("terraform/modules/gitops-bootstrap/README.md"))).toBe(check);
  });

  it("turns on the VPC CNI's NetworkPolicy enforcement, which gitops' default-deny relies on", () => {
    const cni = resources(kubernetes.document, "aws_eks_addon").find(
      ({ body }) => body.addon_name === "vpc-cni",
    );
    expect(String(cni?.body.configuration_values)).toMatch(/enableNetworkPolicy = "true"/);
    expect(
      overlay("production").some((o) => o.kind === "NetworkPolicy" && o.metadata.name === "default-deny"),
    ).toBe(true);
  });

  it("provisions the volumes gitops' charts claim: the EBS CSI driver with a default StorageClass", () => {
    // Tempo asks for a volume explicitly; Loki's single binary has one by default. Neither names a class.
    const claiming = applications(bootstrap("production"))
      .filter((a) => /"persistence":\{"enabled":true/.test(JSON.stringify(a.spec.source.helm?.valuesObject)))
      .map((a) => a.name);
    expect(claiming).toEqual(["tempo"]);
    const ebs = resources(kubernetes.document, "aws_eks_addon").find(
      ({ body }) => body.addon_name === "aws-ebs-csi-driver",
    );
    expect(String(ebs?.body.configuration_values)).toMatch(/defaultStorageClass = \{ enabled = true \}/);
    expect(ebs?.body.service_account_role_arn).toBe('${aws_iam_role.addon["ebs-csi"].arn}');
  });

  it("documents the cluster facts it writes in the hand-over README", () => {
    const text = readme("terraform/modules/gitops-bootstrap/README.md");
    for (const key of writtenClusterFacts(hcl())) expect(text).toContain(`| \`${key}\``);
  });
});

describe("the repository and the registry", () => {
  it("are the same everywhere: https://github.com/parley-messaging/parley.git, ghcr.io/parley-messaging", () => {
    const files = placeholderFiles();
    expect(files).toEqual(expect.arrayContaining(["cdktf/src/config/environments.ts", "gitops/README.md"]));
    const foreign = files.flatMap((file) => foreignPlaceholders(readme(file)).map((p) => `${file}: ${p}`));
    expect(foreign).toEqual([]);
    const images = overlay("staging")
      .filter((o) => o.kind === "Deployment")
      .map((o) => o.spec.template.spec.containers[0].image as string);
    expect(images.every((image) => image.startsWith("ghcr.io/parley-messaging/parley-"))).toBe(true);
  });
});

describe("the hand-over checks", () => {
  const staging = environments.find((e) => e.name === "staging")!;

  it("catch a root application on another repository, branch or path", () => {
    const call = { ...bootstrapCall("staging") };
    call.repository_url = "https://github.com/parley-platform/parley.git";
    call.target_revision = "release";
    call.gitops_path = "gitops/bootstrap/stage";
    expect(rootApplicationProblems(staging, call, hcl())).toEqual([
      "repository_url https://github.com/parley-platform/parley.git is not https://github.com/parley-messaging/parley.git, which gitops/ uses",
      "target_revision release is not main, which gitops/ tracks",
      "the root application syncs gitops/bootstrap/stage, not gitops/bootstrap/staging",
    ]);
    expect(rootApplicationProblems(staging, bootstrapCall("staging"), hcl(), [])).toEqual([
      "gitops/bootstrap/staging is not a Kustomization under gitops/",
    ]);
  });

  it("catch a renamed cluster fact and a selector the cluster Secret does not satisfy", async () => {
    const renamed = await parseHcl(
      `locals {\n  cluster_facts = {\n    "parley.dev/environment" = var.environment\n    "parley.dev/region" = "x"\n    "parley.dev/external-secrets-role-arn" = "y"\n  }\n  cluster_secret_labels = { "argocd.argoproj.io/secret-type" = "cluster" }\n}\n`,
    );
    const objects = bootstrap("staging");
    find(objects, "ApplicationSet", "external-secrets").spec.generators[0].clusters.selector.matchLabels = {
      "parley.dev/role": "workload",
    };
    expect(clusterFactProblems(renamed, objects)).toEqual([
      "gitops reads parley.dev/aws-region, which is not written",
      "parley.dev/region is written but gitops reads it nowhere",
    ]);
    expect(clusterSelectorProblems(renamed, objects)).toEqual([
      "external-secrets: selects parley.dev/role=workload, which the cluster Secret lacks",
    ]);
  });

  it("catch External Secrets running as a ServiceAccount the role does not trust", () => {
    const objects = bootstrap("staging");
    find(
      objects,
      "ApplicationSet",
      "external-secrets",
    ).spec.template.spec.source.helm.valuesObject.serviceAccount.name = "eso";
    expect(serviceAccountProblems(hcl(), objects)).toEqual([
      "External Secrets runs as eso, the role trusts external-secrets",
    ]);
  });

  it("catch a secret read under another name, a field it lacks, Grafana's keys and an unread secret", () => {
    const objects = overlay("staging");
    find(objects, "ExternalSecret", "parley-rabbitmq").spec.dataFrom[0].extract.key = "parley/staging/amqp";
    find(objects, "ExternalSecret", "parley-database").spec.target.template.data.DATABASE_URL =
      "postgres://{{ .user }}:{{ .password }}@{{ .host }}:{{ .port }}/{{ .dbname }}?sslmode=require";
    const read = secretsRead("staging", objects, bootstrap("staging"));
    const written = secretsWritten(hcl(), "staging").map((secret) =>
      secret.name.endsWith("grafana-admin") ? { ...secret, keys: ["password", "user"] } : secret,
    );
    expect(secretProblems(read, written)).toEqual([
      "ExternalSecret parley-database reads .user of parley/staging/database, which holds dbname, host, password, port, username",
      "ExternalSecret parley-rabbitmq reads parley/staging/amqp, which the module does not create",
      "parley/staging/grafana-admin holds password, user, Grafana reads admin-password, admin-user",
      "parley/staging/rabbitmq is created but no ExternalSecret reads it",
    ]);
  });

  it("catch a database URL without TLS and a plain AMQP URL", () => {
    const objects = overlay("staging");
    const database = find(objects, "ExternalSecret", "parley-database").spec.target.template.data;
    database.DATABASE_URL = database.DATABASE_URL.replace("?sslmode=require", "");
    const broker = find(objects, "ExternalSecret", "parley-rabbitmq").spec.target.template.data;
    broker.AMQP_URL = broker.AMQP_URL.replace("amqps://", "amqp://");
    expect(connectionUrlProblems(secretsRead("staging", objects, bootstrap("staging")))).toEqual([
      expect.stringMatching(/^DATABASE_URL .* must be postgres:\/\/\.\.\.\?sslmode=require$/),
      expect.stringMatching(/^AMQP_URL amqp:\/\/.* must be amqps:/),
    ]);
  });

  it("catch a role that may also read the RDS master secret or decrypt with another key", async () => {
    const broad = await parseHcl(`
module "secrets_key" {
  source = "../kms-key"
}
resource "aws_secretsmanager_secret" "platform" {
  for_each   = local.secret_names
  kms_key_id = module.secrets_key.arn
}
data "aws_iam_policy_document" "external_secrets_read" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = concat(values(aws_secretsmanager_secret.platform)[*].arn, [var.database.secret_arn])
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = [module.secrets_key.arn, var.database_kms_key_arn]
  }
}
`);
    expect(externalSecretsAccessProblems(broad)).toEqual([
      expect.stringContaining("secrets may be read on"),
      expect.stringContaining("kms:Decrypt is allowed on"),
      "kms:Decrypt is not limited to Secrets Manager (kms:ViaService)",
    ]);
  });

  it("catch a secret value, a password or a key that would land in the state", async () => {
    const stored = await parseHcl(`
resource "tls_private_key" "jwt" {
  algorithm = "RSA"
}
data "aws_secretsmanager_secret_version" "master" {
  secret_id = var.database.secret_arn
}
resource "aws_secretsmanager_secret_version" "jwt" {
  secret_id     = aws_secretsmanager_secret.jwt.id
  secret_string = tls_private_key.jwt.private_key_pem
}
`);
    expect(stateExposureProblems(stored)).toEqual([
      "aws_secretsmanager_secret_version.jwt stores its value in the state; use secret_string_wo",
      "aws_secretsmanager_secret_version.jwt must write secret_string_wo with a secret_string_wo_version",
      "tls_private_key.jwt keeps its value in the state",
      "data.aws_secretsmanager_secret_version.master keeps the secret in the state; use the ephemeral resource",
      "the signing key must come from an ephemeral tls_private_key, ECDSA P256",
    ]);
  });

  it("catch a missing health check and a README snippet that drifted from the chart values", () => {
    const noValues = structuredClone(hcl());
    const release = resources(noValues, "helm_release").find(
      ({ address }) => address === "helm_release.argocd",
    );
    release!.body.values = ["${yamlencode({ dex = { enabled = false } })}"];
    expect(chartHealthCheck(noValues, bootstrapModule.directory).problems).toEqual([
      "helm_release.argocd takes no values file",
    ]);
    const drifted = readme("terraform/modules/gitops-bootstrap/README.md").replace(
      "hs.status = obj.status.health.status",
      'hs.status = "Healthy"',
    );
    expect(documentedHealthCheck(drifted)).not.toBe(chartHealthCheck(hcl(), bootstrapModule.directory).check);
  });

  it("catch an overlay whose data egress is not its environment's VPC", () => {
    const objects = overlay("staging");
    find(objects, "NetworkPolicy", "data-egress").spec.egress[0].to[0].ipBlock.cidr = "10.30.0.0/16";
    expect(vpcProblems(staging, objects)).toEqual([
      "staging: data egress to 10.30.0.0/16, the VPC is 10.20.0.0/16",
    ]);
  });

  it("catch another repository or registry", () => {
    expect(
      foreignPlaceholders(
        "repoURL: https://github.com/parley-platform/parley.git\nimage: ghcr.io/parley/parley-auth:1.0.0\n" +
          "https://github.com/parley-messaging/parley.git ghcr.io/parley-messaging/parley-auth",
      ),
    ).toEqual(["github.com/parley-platform/parley", "ghcr.io/parley"]);
  });
});
