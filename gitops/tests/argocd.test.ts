import { readFileSync } from "node:fs";
import path from "node:path";
import {
  applications,
  clusterAnnotations,
  deployedWithClusterFacts,
  inlinePatches,
  projects,
  sources,
  syncPolicies,
  waves,
} from "./test-support/argocd";
import { CLOUD_ENVIRONMENTS, find, render, repoRoot } from "./test-support/render";

const bootstrap = (environment: string) => render(`gitops/bootstrap/${environment}`);

// What Terraform's gitops-bootstrap module writes on an environment's cluster Secret, for example.
const clusterFacts = (environment: string): Record<string, string> => ({
  "parley.dev/aws-region": "eu-west-1",
  "parley.dev/environment": environment,
  "parley.dev/external-secrets-role-arn": `arn:aws:iam::123456789012:role/parley-${environment}-external-secrets`,
  "parley.dev/database-admin-secret-arn":
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-4567-89ab-AbCdEf",
  "parley.dev/database-endpoint": `parley-${environment}.c0ffee.eu-west-1.rds.amazonaws.com:5432`,
  "parley.dev/database-name": "parley",
  "parley.dev/rabbitmq-admin-secret-name": `parley-${environment}/rabbitmq`,
  "parley.dev/rabbitmq-management-url": "https://b-0123.mq.eu-west-1.amazonaws.com",
  "parley.dev/cluster-security-group-id": "sg-0c1a55e7",
  "parley.dev/postgres-client-security-group-id": "sg-0da7aba5e",
  "parley.dev/rabbitmq-client-security-group-id": "sg-0b0cce12",
  "parley.dev/rabbitmq-metrics-client-security-group-id": "sg-0e7a1c5d",
});

describe.each(CLOUD_ENVIRONMENTS)("the %s bootstrap", (environment) => {
  it("deploys the services from the environment's own overlay", () => {
    const parley = applications(bootstrap(environment)).find((a) => a.name === "parley")!;
    expect(parley.spec.source.path).toBe(`gitops/overlays/${environment}`);
  });

  it("fills the administrators' secrets, the database endpoint, the broker URL and the security groups from the cluster facts", () => {
    const parley = applications(bootstrap(environment)).find((a) => a.name === "parley")!;
    const facts = clusterFacts(environment);
    const objects = deployedWithClusterFacts(parley, facts);
    const databaseAdmin = find(objects, "ExternalSecret", "parley-database-admin").spec;
    const brokerAdmin = find(objects, "ExternalSecret", "parley-rabbitmq-admin").spec;
    expect({
      databaseKeys: databaseAdmin.data.map((d: { remoteRef: { key: string } }) => d.remoteRef.key),
      databaseUrl: databaseAdmin.target.template.data.DATABASE_ADMIN_URL,
      brokerKeys: brokerAdmin.data.map((d: { remoteRef: { key: string } }) => d.remoteRef.key),
      managementUrl: brokerAdmin.target.template.data.RABBITMQ_MANAGEMENT_URL,
      groups: find(objects, "SecurityGroupPolicy", "data-clients").spec.securityGroups.groupIds,
    }).toEqual({
      databaseKeys: [
        facts["parley.dev/database-admin-secret-arn"],
        facts["parley.dev/database-admin-secret-arn"],
      ],
      // External Secrets fills in the master user's name; the rest is the environment's.
      databaseUrl: `postgres://{{ .username | urlquery }}@parley-${environment}.c0ffee.eu-west-1.rds.amazonaws.com:5432/parley?sslmode=require`,
      brokerKeys: [`parley-${environment}/rabbitmq`, `parley-${environment}/rabbitmq`],
      managementUrl: "https://b-0123.mq.eu-west-1.amazonaws.com",
      groups: ["sg-0c1a55e7", "sg-0da7aba5e", "sg-0b0cce12"],
    });
    expect(JSON.stringify(objects)).not.toContain("from-cluster-annotation");
  });

  it("runs the platform components and the services", () => {
    expect(
      applications(bootstrap(environment))
        .map((a) => a.name)
        .sort(),
    ).toEqual([
      "external-secrets",
      "kube-prometheus-stack",
      "loki",
      "metrics-server",
      "observability",
      "opentelemetry-collector",
      "otel-gateway",
      "parley",
      "prometheus-network",
      "secret-store",
      "tempo",
      "traefik",
    ]);
  });

  it("points every Application at a Kustomization of this repository or a pinned chart version", () => {
    expect(sources(bootstrap(environment))).toEqual([]);
  });

  it("syncs every Application automatically, with prune, self-heal and retries", () => {
    expect(syncPolicies(bootstrap(environment))).toEqual([]);
  });

  it("orders the Applications after the CRDs and Secrets they need", () => {
    expect(waves(bootstrap(environment))).toEqual([]);
  });

  it("keeps every Application inside what its project allows", () => {
    expect(projects(bootstrap(environment))).toEqual([]);
  });

  it("patches only objects and fields that exist in the Application's path", () => {
    expect(inlinePatches(bootstrap(environment))).toEqual([]);
  });
});

describe("the cluster facts", () => {
  // Terraform's gitops-bootstrap module writes them; cdktf/test/gitops-handover.test.ts compares both sides.
  it("read from the cluster secret's annotations are the ones the hand-over READMEs document", () => {
    const annotations = clusterAnnotations(bootstrap("staging"));
    expect(annotations).toEqual(Object.keys(clusterFacts("staging")).sort());
    for (const file of ["gitops/README.md", "terraform/modules/gitops-bootstrap/README.md"]) {
      const readme = readFileSync(path.join(repoRoot, file), "utf8");
      for (const annotation of annotations) expect(readme).toContain(`\`${annotation}\``);
    }
  });
});

describe("the Argo CD checks", () => {
  const staging = () => bootstrap("staging");

  it("catch a missing path, an unpinned chart and a foreign repository", () => {
    const objects = staging();
    find(objects, "ApplicationSet", "parley").spec.template.spec.source.path = "gitops/overlays/stagin";
    find(objects, "Application", "loki").spec.source.targetRevision = "6.x";
    find(objects, "Application", "observability").spec.source.repoURL = "https://example.com/fork.git";
    expect(sources(objects)).toEqual([
      "loki: chart loki version 6.x is not pinned",
      "observability: git source https://example.com/fork.git is not this repository",
      "parley: path gitops/overlays/stagin does not exist",
    ]);
  });

  it("catch an Application that neither prunes nor self-heals", () => {
    const objects = staging();
    find(objects, "Application", "tempo").spec.syncPolicy.automated = {};
    expect(syncPolicies(objects)).toEqual([
      "tempo: automated sync does not prune",
      "tempo: automated sync does not self-heal",
    ]);
  });

  it("catch ServiceMonitors and ExternalSecrets synced before their CRDs", () => {
    const objects = staging();
    find(objects, "ApplicationSet", "parley").metadata.annotations!["argocd.argoproj.io/sync-wave"] = "-5";
    expect(waves(objects)).toEqual([
      "parley: uses external-secrets.io in wave -5, not after external-secrets installs it",
      "parley: uses monitoring.coreos.com in wave -5, not after kube-prometheus-stack installs it",
    ]);
  });

  it("catch a chart whose ServiceMonitor or existing Secret would come before what provides it", () => {
    const objects = staging();
    find(objects, "ApplicationSet", "secret-store").metadata.annotations!["argocd.argoproj.io/sync-wave"] =
      "-3";
    find(objects, "Application", "traefik").metadata.annotations!["argocd.argoproj.io/sync-wave"] = "-3";
    expect(waves(objects)).toEqual([
      "kube-prometheus-stack: needs Secret monitoring/grafana-admin in wave -3, not after secret-store creates it",
      "traefik: uses monitoring.coreos.com in wave -3, not after kube-prometheus-stack installs it",
    ]);
  });

  it("catch a kind or namespace the project does not allow", () => {
    const objects = staging();
    const project = find(objects, "AppProject", "parley");
    project.spec.namespaceResourceWhitelist = project.spec.namespaceResourceWhitelist.filter(
      (e: { kind: string }) => e.kind !== "NetworkPolicy",
    );
    find(objects, "Application", "tempo").spec.destination.namespace = "default";
    expect(projects(objects)).toEqual([
      "tempo: project platform does not allow namespace default",
      "parley: project parley does not allow NetworkPolicy",
    ]);
  });

  it("catch a cluster fact the cluster Secret lacks, as missingkey=error does", () => {
    const parley = applications(staging()).find((a) => a.name === "parley")!;
    const facts = clusterFacts("staging");
    delete facts["parley.dev/database-endpoint"];
    expect(() => deployedWithClusterFacts(parley, facts)).toThrow(
      'map has no entry for key "parley.dev/database-endpoint"',
    );
  });

  it("catch an inline patch whose target or path does not exist", () => {
    const objects = staging();
    const patches = find(objects, "ApplicationSet", "secret-store").spec.template.spec.source.kustomize
      .patches;
    patches[0].patch = patches[0].patch.replace("/spec/provider/aws/region", "/spec/provider/aws/regoin");
    patches[1].target.name = "grafana";
    expect(inlinePatches(objects)).toEqual([
      "secret-store: patch path /spec/provider/aws/regoin not in ClusterSecretStore/aws-secrets-manager",
      "secret-store: patch target ExternalSecret grafana not found",
    ]);
  });
});
