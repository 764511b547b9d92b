// The hand-over from the infrastructure to gitops/, checked from both sides: the gitops-bootstrap
// module's HCL and the synthesized stacks against what gitops/ renders. Each check also has a case
// it must catch. The contract is described in terraform/modules/gitops-bootstrap/README.md.
//
// Which checks read gitops/ (and so fail while gitops/ lags the contract): the root application,
// the cluster facts read (every annotation the module writes must be read by an ApplicationSet), the
// ServiceAccount, the secrets read and their fields, refresh intervals and URLs, the security groups
// for pods, the data egress CIDR and ports, the health check snippet and the Tempo volume. The
// "infrastructure side" checks and all the "hand-over checks" cases read the HCL and the stacks only.
import * as fs from "fs";
import * as path from "path";
import { environments } from "../src/config/environments";
import { applications } from "../../gitops/tests/test-support/argocd";
import { find, overlayDir, render, type K8sObject } from "../../gitops/tests/test-support/render";
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
  prometheusSecurityGroupProblems,
  refreshProblems,
  repoRoot,
  rootApplicationProblems,
  secretProblems,
  secretsRead,
  secretsWritten,
  securityGroupPolicyProblems,
  serviceAccountProblems,
  stateExposureProblems,
  vpcProblems,
  writtenClusterFacts,
  type SecretRead,
} from "./support/gitops-handover";
import { DATA_SERVICES, DATABASE_MONITORS, expectedServiceLogins } from "./policy/least-privilege-rules";
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
const written = (environment: string) => secretsWritten(hcl(), environment, rabbitmq.document);
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
    const parley = bootstrap(name).find(
      (o) => ["Application", "ApplicationSet"].includes(o.kind) && o.metadata.name === "parley",
    );
    const source = parley?.kind === "ApplicationSet" ? parley.spec.template.spec.source : parley?.spec.source;
    expect(source?.path).toBe(`gitops/overlays/${name}`);
  });

  it("writes exactly the cluster facts its ApplicationSets read, on a Secret they select", () => {
    expect(clusterFactProblems(hcl(), bootstrap(name))).toEqual([]);
    expect(clusterSelectorProblems(hcl(), bootstrap(name))).toEqual([]);
    expect(serviceAccountProblems(hcl(), bootstrap(name))).toEqual([]);
  });

  it("creates every secret its ExternalSecrets read, in the JSON shape they read, and hands over the administrators' secrets", () => {
    const read = secretsRead(name, overlay(name), bootstrap(name));
    expect([...new Set(read.map((r) => r.key))].sort()).toEqual(
      [
        ...Object.keys(expectedServiceLogins()).map((key) => `parley/${name}/${key}`),
        `parley/${name}/grafana-admin`,
        `parley/${name}/jwt-signing-keys`,
        "annotation:parley.dev/database-admin-secret-arn",
        "annotation:parley.dev/rabbitmq-admin-secret-name",
      ].sort(),
    );
    expect(secretProblems(read, written(name))).toEqual([]);
    expect(connectionUrlProblems(read)).toEqual([]);
    expect(refreshProblems(read)).toEqual([]);
  });

  it("gives the client security groups to the pods that own data (with the cluster's group), and to no other", () => {
    expect(
      securityGroupPolicyProblems(
        name,
        hcl(),
        overlay(name),
        bootstrap(name),
        DATA_SERVICES,
        DATABASE_MONITORS,
      ),
    ).toEqual([]);
  });

  it("gives the Prometheus pods the broker's metrics group and the cluster's, and no data store's client group", () => {
    expect(prometheusSecurityGroupProblems(hcl(), bootstrap(name))).toEqual([]);
  });

  it("lets the services reach the data stores of its own VPC, on the ports the modules open", () => {
    expect(vpcProblems(environment, overlay(name))).toEqual([]);
    // The plain-Terraform example builds the same VPCs.
    expect((locals(example).vpc_cidrs as Body)[name]).toBe(environment.network.cidrBlock);
    const postgresPort = locals(postgres.document).port;
    const { amqps_port: amqpsPort, management_port: managementPort } = locals(rabbitmq.document);
    expect(dataEgress(overlay(name)).ports.sort()).toEqual([postgresPort, amqpsPort, managementPort].sort());
  });

  it("wires the hand-over from the stacks that own each value", () => {
    expect(wiringProblems(bootstrapCall(name))).toEqual([]);
  });
});

/** Where each hand-over input of the platform stack must come from: stack and module output. */
const WIRING: Array<[string[], string]> = [
  [
    ["database", "master_secret_arn"],
    "-data.outputs.cross-stack-output-modulepostgresmaster_user_secret_arn",
  ],
  [["database", "master_secret_kms_key_arn"], "-data.outputs.cross-stack-output-modulepostgreskms_key_arn"],
  [
    ["rabbitmq", "admin_secret_arn"],
    "-messaging.outputs.cross-stack-output-modulerabbitmqcredentials_secret_arn",
  ],
  [
    ["rabbitmq", "admin_secret_name"],
    "-messaging.outputs.cross-stack-output-modulerabbitmqcredentials_secret_name",
  ],
  [
    ["rabbitmq", "admin_secret_kms_key_arn"],
    "-messaging.outputs.cross-stack-output-modulerabbitmqcredentials_kms_key_arn",
  ],
  [["rabbitmq", "management_url"], "-messaging.outputs.cross-stack-output-modulerabbitmqmanagement_url"],
  [
    ["security_group_ids", "cluster"],
    "-cluster.outputs.cross-stack-output-modulekubernetescluster_security_group_id",
  ],
  [
    ["security_group_ids", "postgres_clients"],
    "-network.outputs.cross-stack-output-modulenetworkpostgres_client_security_group_id",
  ],
  [
    ["security_group_ids", "rabbitmq_clients"],
    "-network.outputs.cross-stack-output-modulenetworkrabbitmq_client_security_group_id",
  ],
  [
    ["security_group_ids", "rabbitmq_metrics_clients"],
    "-network.outputs.cross-stack-output-modulenetworkrabbitmq_metrics_client_security_group_id",
  ],
];

function wiringProblems(call: Body): string[] {
  return WIRING.flatMap(([[group, field], source]) => {
    const value = String(((call[group!] as Body | undefined) ?? {})[field!]);
    return value.includes(source) ? [] : [`${group}.${field} is ${value}, not ${source}`];
  });
}

describe("the infrastructure side", () => {
  it("lets External Secrets read exactly the module's secrets and the two administrators', decrypting only with their keys", () => {
    expect(externalSecretsAccessProblems(hcl())).toEqual([]);
  });

  it("keeps every secret value of the hand-over out of the Terraform state and plan", () => {
    expect(stateExposureProblems(hcl())).toEqual([]);
  });

  it("writes the broker administrator's secret write-only; what stays in state is what terraform/README.md lists", () => {
    const versions = resources(rabbitmq.document, "aws_secretsmanager_secret_version");
    expect(
      versions.map(({ body }) =>
        Object.keys(body)
          .filter((key) => key.startsWith("secret_"))
          .sort(),
      ),
    ).toEqual([["secret_id", "secret_string_wo", "secret_string_wo_version"]]);
    expect(resources(rabbitmq.document, "random_password").map(({ address }) => address)).toEqual([
      "random_password.admin",
    ]);
    const text = readme("terraform/README.md");
    for (const address of ["random_password.admin", "aws_mq_broker.this"]) expect(text).toContain(address);
  });

  it("gives the management API client what it needs: the administrator, its password and the console URL", () => {
    const [version] = resources(rabbitmq.document, "aws_secretsmanager_secret_version");
    const value = String(version?.body.secret_string_wo);
    for (const field of ["username", "password", "management_url"])
      expect(value).toMatch(new RegExp(`\\b${field}\\s*=`));
    expect(value).toContain("management_url = local.management_url");
    expect(locals(rabbitmq.document).management_url).toBe("${aws_mq_broker.this.instances[0].console_url}");
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

  it("turns on the VPC CNI's NetworkPolicy enforcement (gitops' default-deny) and security groups for pods", () => {
    const cni = resources(kubernetes.document, "aws_eks_addon").find(
      ({ body }) => body.addon_name === "vpc-cni",
    );
    expect(String(cni?.body.configuration_values)).toMatch(/enableNetworkPolicy = "true"/);
    expect(String(cni?.body.configuration_values)).toMatch(/ENABLE_POD_ENI\s+= "true"/);
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
    // The services' images; the exporters beside them (component monitoring) run upstream ones.
    const images = overlay("staging")
      .filter(
        (o) => o.kind === "Deployment" && o.metadata.labels?.["app.kubernetes.io/component"] !== "monitoring",
      )
      .map((o) => o.spec.template.spec.containers[0].image as string);
    expect(images.every((image) => image.startsWith("ghcr.io/parley-messaging/parley-"))).toBe(true);
  });
});

/** An ExternalSecret as gitops/ writes them, for the cases below (which do not depend on gitops/). */
function externalSecret(name: string, spec: Body): K8sObject {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name },
    spec: { refreshInterval: "5m", ...spec },
  } as K8sObject;
}

const annotation = (key: string) => `{{ index .metadata.annotations "${key}" }}`;

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
    expect(clusterFactProblems(renamed, objects)).toEqual(
      expect.arrayContaining([
        "gitops reads parley.dev/aws-region, which is not written",
        "parley.dev/region is written but gitops reads it nowhere",
      ]),
    );
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
    const objects = [
      externalSecret("auth-rabbitmq", { dataFrom: [{ extract: { key: "parley/staging/auth/amqp" } }] }),
      externalSecret("auth-database", {
        target: { template: { data: { DATABASE_URL: "postgres://{{ .user }}@{{ .host }}/{{ .dbname }}" } } },
        dataFrom: [{ extract: { key: "parley/staging/auth/database" } }],
      }),
      externalSecret("parley-database-admin", {
        data: [
          {
            secretKey: "host",
            remoteRef: { key: annotation("parley.dev/database-admin-secret-arn"), property: "host" },
          },
        ],
      }),
      externalSecret("grafana-admin", { dataFrom: [{ extract: { key: "parley/staging/grafana-admin" } }] }),
    ];
    const read = secretsRead("staging", objects, []);
    const writtenWrongly = written("staging").map((secret) =>
      secret.name.endsWith("grafana-admin") ? { ...secret, keys: ["password", "user"] } : secret,
    );
    const problems = secretProblems(read, writtenWrongly);
    expect(problems).toEqual(
      expect.arrayContaining([
        "ExternalSecret auth-rabbitmq reads parley/staging/auth/amqp, which the module does not create or hand over",
        "ExternalSecret auth-database reads .user of parley/staging/auth/database, which holds dbname, host, password, port, username",
        "ExternalSecret parley-database-admin reads .host of annotation:parley.dev/database-admin-secret-arn, which holds password, username",
        "parley/staging/grafana-admin holds password, user, Grafana reads admin-password, admin-user",
        "parley/staging/messaging/rabbitmq is created but no ExternalSecret reads it",
        "annotation:parley.dev/rabbitmq-admin-secret-name is handed over but no ExternalSecret reads it",
      ]),
    );
  });

  it("catch an ExternalSecret that never refreshes, a database URL without TLS and a plain AMQP URL", () => {
    const read: SecretRead[] = secretsRead(
      "staging",
      [
        externalSecret("auth-database", {
          refreshInterval: "0",
          target: {
            template: {
              data: { DATABASE_URL: "postgres://{{ .username }}@{{ .host }}:{{ .port }}/{{ .dbname }}" },
            },
          },
          dataFrom: [{ extract: { key: "parley/staging/auth/database" } }],
        }),
        externalSecret("auth-rabbitmq", {
          target: { template: { data: { AMQP_URL: "amqp://{{ .username }}@{{ .host }}:{{ .port }}" } } },
          dataFrom: [{ extract: { key: "parley/staging/auth/rabbitmq" } }],
        }),
      ],
      [],
    );
    expect(refreshProblems(read)).toEqual([
      "ExternalSecret auth-database never refreshes (refreshInterval 0)",
    ]);
    expect(connectionUrlProblems(read)).toEqual([
      expect.stringMatching(/^DATABASE_URL .* must be postgres:\/\/\.\.\.\?sslmode=require$/),
      expect.stringMatching(/^AMQP_URL amqp:\/\/.* must be amqps:/),
    ]);
  });

  it("catch a data service's pod without both client groups, and the gateway wearing one", () => {
    const pod = (kind: string, name: string, labels: Record<string, string>) =>
      ({ kind, metadata: { name }, spec: { template: { metadata: { labels } } } }) as unknown as K8sObject;
    const objects = [
      {
        kind: "SecurityGroupPolicy",
        metadata: { name: "data-clients" },
        spec: {
          podSelector: {
            matchExpressions: [
              { key: "app.kubernetes.io/name", operator: "In", values: ["auth", "gateway"] },
            ],
          },
          securityGroups: {
            groupIds: [
              annotation("parley.dev/cluster-security-group-id"),
              annotation("parley.dev/postgres-client-security-group-id"),
            ],
          },
        },
      } as unknown as K8sObject,
      pod("Deployment", "auth", { "app.kubernetes.io/name": "auth" }),
      pod("Job", "messaging-migrate", { "app.kubernetes.io/name": "messaging" }),
      pod("Deployment", "gateway", { "app.kubernetes.io/name": "gateway" }),
    ];
    expect(securityGroupPolicyProblems("staging", hcl(), objects, [], DATA_SERVICES)).toEqual([
      "Deployment auth does not wear annotation:parley.dev/rabbitmq-client-security-group-id",
      "Job messaging-migrate does not wear annotation:parley.dev/cluster-security-group-id, annotation:parley.dev/postgres-client-security-group-id, annotation:parley.dev/rabbitmq-client-security-group-id",
      "Deployment gateway (gateway) wears a data store's client group",
    ]);
  });

  it("catch a hand-over wired from the wrong outputs", () => {
    const call = structuredClone(bootstrapCall("staging"));
    const groups = call.security_group_ids as Body;
    groups.postgres_clients = groups.cluster;
    expect(wiringProblems(call)).toEqual([
      expect.stringMatching(/^security_group_ids\.postgres_clients is .*cluster_security_group_id/),
    ]);
  });

  it("catch a role that may read any secret or decrypt with another key", async () => {
    const broad = await parseHcl(`
module "secrets_key" {
  source = "../kms-key"
}
locals {
  secret_names = { grafana_admin = "parley/\${var.environment}/grafana-admin" }
}
resource "aws_secretsmanager_secret" "platform" {
  for_each   = local.secret_names
  kms_key_id = module.secrets_key.arn
}
data "aws_iam_policy_document" "external_secrets_read" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["arn:aws:secretsmanager:*:*:secret:*"]
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
    const policy = {
      kind: "NetworkPolicy",
      metadata: { name: "data-egress" },
      spec: { egress: [{ to: [{ ipBlock: { cidr: "10.30.0.0/16" } }], ports: [{ port: 5432 }] }] },
    } as unknown as K8sObject;
    expect(vpcProblems(staging, [policy])).toEqual([
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
