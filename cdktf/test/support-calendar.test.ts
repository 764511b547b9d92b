import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { environments } from "../src/config/environments";
import {
  type SupportWindow,
  amazonMqRabbitMq,
  charts,
  eksKubernetes,
  localImages,
  nodejs,
  rdsPostgres,
  reviewEveryDays,
  reviewedOn,
} from "../src/config/support-calendar";
import { loadModules, terraformDirectory, type HclModule } from "./support/hcl-modules";
import { variables } from "./support/terraform-json";

const repositoryRoot = path.resolve(terraformDirectory, "..");
const today = new Date().toISOString().slice(0, 10);

/** What is wrong with running `version` of `what` today, by the table. */
function supportProblem(what: string, version: string, table: Record<string, SupportWindow>, on = today) {
  const window = table[version];
  if (!window) return `${what} ${version} is not in the support calendar`;
  if (window.endOfSupport !== null && window.endOfSupport < on)
    return `${what} ${version} left support on ${window.endOfSupport}`;
  return undefined;
}

let modules: HclModule[];
beforeAll(async () => {
  modules = await loadModules();
});

/** A module variable's default. */
function moduleDefault(module: string, variable: string): string {
  const found = modules.find(({ name }) => name === module);
  const declared = variables(found?.document ?? {}).find(({ address }) => address.endsWith(variable));
  return String(declared?.body.default);
}

/** Every Helm chart pinned in gitops/platform/apps, as `chart@version`. */
function platformCharts(): { chart: string; version: string }[] {
  const directory = path.join(repositoryRoot, "gitops", "platform", "apps");
  return fs
    .readdirSync(directory)
    .filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml")
    .flatMap((file) =>
      parseAllDocuments(fs.readFileSync(path.join(directory, file), "utf8")).map((d) => d.toJS()),
    )
    .flatMap((object) => JSON.stringify(object).match(/"chart":"[^"]+","targetRevision":"[^"]+"/g) ?? [])
    .map((pair) => {
      const { chart, targetRevision } = JSON.parse(`{${pair}}`) as { chart: string; targetRevision: string };
      return { chart, version: targetRevision };
    });
}

describe("the support calendar", () => {
  it(`was reviewed within the last ${reviewEveryDays} days`, () => {
    const age = (Date.parse(today) - Date.parse(reviewedOn)) / 86_400_000;
    expect({ reviewedOn, age: age <= reviewEveryDays }).toEqual({ reviewedOn, age: true });
  });

  it("holds every environment's Kubernetes version, and the module's default, in standard support", () => {
    const versions = [
      ...environments.map((e) => e.cluster.kubernetesVersion),
      moduleDefault("kubernetes", "kubernetes_version"),
    ];
    expect(versions.map((v) => supportProblem("EKS Kubernetes", v, eksKubernetes)).filter(Boolean)).toEqual(
      [],
    );
  });

  it("holds the PostgreSQL and RabbitMQ versions the modules deploy, and the Node.js line, in support", () => {
    const node = fs.readFileSync(path.join(repositoryRoot, ".nvmrc"), "utf8").trim().split(".")[0]!;
    expect(
      [
        supportProblem("RDS PostgreSQL", moduleDefault("postgres", "engine_version"), rdsPostgres),
        supportProblem("Amazon MQ RabbitMQ", moduleDefault("rabbitmq", "engine_version"), amazonMqRabbitMq),
        supportProblem("Node.js", node, nodejs),
      ].filter(Boolean),
    ).toEqual([]);
  });

  it("holds every pinned Helm chart at the version it lists, in support", () => {
    const pinned = [
      { chart: "argo-cd", version: moduleDefault("gitops-bootstrap", "argocd_chart_version") },
      { chart: "argocd-apps", version: moduleDefault("gitops-bootstrap", "argocd_apps_chart_version") },
      ...platformCharts(),
    ];
    expect(pinned.length).toBeGreaterThanOrEqual(9);
    const problems = pinned.flatMap(({ chart, version }) => {
      const listed = charts[chart];
      if (!listed) return [`chart ${chart} is not in the support calendar`];
      if (listed.version !== version)
        return [`chart ${chart} is pinned at ${version}, the calendar lists ${listed.version}`];
      return [supportProblem(`chart ${chart}`, version, { [version]: listed })].filter(Boolean);
    });
    expect(problems).toEqual([]);
  });

  it("holds the local overlay's PostgreSQL and RabbitMQ images in support", () => {
    const text = ["postgresql.yaml", "rabbitmq.yaml"]
      .map((file) =>
        fs.readFileSync(path.join(repositoryRoot, "gitops/components/in-cluster-data", file), "utf8"),
      )
      .join("\n");
    const lines = [...text.matchAll(/image: (postgres|rabbitmq):(\d+)(?:\.(\d+))?/g)].map(
      ([, name, major, minor]) => (name === "postgres" ? `postgres:${major}` : `rabbitmq:${major}.${minor}`),
    );
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => supportProblem("image", line, localImages)).filter(Boolean)).toEqual([]);
  });

  it("the check refuses a version past its end and one the table does not know", () => {
    expect(supportProblem("EKS Kubernetes", "1.33", eksKubernetes, "2026-12-03")).toBe(
      "EKS Kubernetes 1.33 left support on 2026-07-29",
    );
    expect(supportProblem("EKS Kubernetes", "1.29", eksKubernetes)).toBe(
      "EKS Kubernetes 1.29 is not in the support calendar",
    );
  });
});
