import { readFileSync } from "node:fs";
import path from "node:path";
import {
  applications,
  clusterAnnotations,
  inlinePatches,
  projects,
  sources,
  syncPolicies,
  waves,
} from "./test-support/argocd";
import { CLOUD_ENVIRONMENTS, find, render, repoRoot } from "./test-support/render";

const bootstrap = (environment: string) => render(`gitops/bootstrap/${environment}`);

describe.each(CLOUD_ENVIRONMENTS)("the %s bootstrap", (environment) => {
  it("deploys the services from the environment's own overlay", () => {
    expect(find(bootstrap(environment), "Application", "parley").spec.source.path).toBe(
      `gitops/overlays/${environment}`,
    );
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
      "parley",
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
    expect(annotations).toEqual([
      "parley.dev/aws-region",
      "parley.dev/environment",
      "parley.dev/external-secrets-role-arn",
    ]);
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
    find(objects, "Application", "parley").spec.source.path = "gitops/overlays/stagin";
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
    find(objects, "Application", "parley").metadata.annotations!["argocd.argoproj.io/sync-wave"] = "-5";
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
      "parley: project parley does not allow NetworkPolicy",
      "tempo: project platform does not allow namespace default",
    ]);
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
