// The local overlay on docker instead of kind: the rendered workloads run as containers on the host
// network, the machine's PostgreSQL and RabbitMQ stand in for the in-cluster ones (a database and a
// virtual host of their own, dropped afterwards), and an OTLP sink for the collector the manifests
// export to. The Secrets are those the local-secrets Job would create, with the URLs pointing here.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Docker } from "@parley/containers";
import { freePort } from "@parley/launcher";
import {
  OtlpSink,
  configurationTable,
  portVariables,
  testAmqpUrl,
  testDatabaseUrl,
} from "@parley/test-support";
import { Client } from "pg";
import { type K8sObject, render } from "../test-support/render";
import { type ContainerPlan, type PodContext, containerPlan, containerPorts, workloadId } from "./pod-spec";
import { type RunningContainer, SUITE_LABEL, startContainer, unreadablePaths } from "./pod-runner";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildSecrets } = require("../../components/in-cluster-data/local-secrets.js") as {
  buildSecrets: () => { name: string; data: Record<string, string> }[];
};

const OVERLAY = "gitops/overlays/local";

export interface StandInCluster {
  objects: K8sObject[];
  collector: OtlpSink;
  /** The migration Jobs and the services' Deployments of the overlay. */
  migrations: K8sObject[];
  deployments: K8sObject[];
  /**
   * The plan of a workload. `objects` replaces the render (a test that breaks a manifest), and
   * `ownPorts` gives the workload host ports of its own, for a second copy beside the first.
   */
  plan(workload: K8sObject, options?: { objects?: K8sObject[]; ownPorts?: boolean }): Promise<ContainerPlan>;
  /** Checks the plan's paths inside the image, then starts it; the teardown removes it. */
  start(plan: ContainerPlan): Promise<RunningContainer>;
  teardown(): Promise<void>;
}

const adminDatabaseUrl = () => {
  const url = new URL(testDatabaseUrl);
  url.pathname = "/postgres";
  return url.toString();
};

async function sql(statement: string) {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const rabbitmqctl = (...args: string[]) =>
  execFileSync("rabbitmqctl", ["--quiet", ...args], { stdio: "pipe" });

export async function startStandInCluster(
  docker: Docker,
  images: Record<string, string>,
): Promise<StandInCluster> {
  const objects = render(OVERLAY);
  const suffix = randomBytes(4).toString("hex");
  const database = `parley_containers_${suffix}`;
  const vhost = `parley-containers-${suffix}`;
  const collector = new OtlpSink();
  const started: RunningContainer[] = [];

  await sql(`CREATE DATABASE "${database}"`);
  rabbitmqctl("add_vhost", vhost);
  const amqpUser = new URL(testAmqpUrl).username || "guest";
  rabbitmqctl("set_permissions", "-p", vhost, amqpUser, ".*", ".*", ".*");
  const databaseUrl = new URL(testDatabaseUrl);
  databaseUrl.pathname = `/${database}`;
  const amqpUrl = new URL(testAmqpUrl);
  amqpUrl.pathname = `/${encodeURIComponent(vhost)}`;

  const secrets = Object.fromEntries(buildSecrets().map((s) => [s.name, s.data]));
  secrets["parley-database"] = { ...secrets["parley-database"], DATABASE_URL: databaseUrl.toString() };
  secrets["parley-rabbitmq"] = { ...secrets["parley-rabbitmq"], AMQP_URL: amqpUrl.toString() };

  const common = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("parley-common"));
  const collectorAddress = new URL(common!.data.OTEL_EXPORTER_OTLP_ENDPOINT).host;
  const sinkAddress = new URL(await collector.start()).host;

  const parley = (o: K8sObject) => o.metadata.labels?.["app.kubernetes.io/part-of"] === "parley";
  const migrations = objects.filter(
    (o) =>
      o.kind === "Job" && parley(o) && o.metadata.labels?.["app.kubernetes.io/component"] === "migration",
  );
  const deployments = objects.filter((o) => o.kind === "Deployment" && parley(o));
  const hostPortsOf = async (workload: K8sObject) =>
    new Map(
      await Promise.all(containerPorts(workload).map(async (port) => [port, await freePort()] as const)),
    );
  const hostPorts = new Map<string, Map<number, number>>();
  for (const workload of [...migrations, ...deployments])
    hostPorts.set(workloadId(workload), await hostPortsOf(workload));

  const table = configurationTable();
  const contract = table.map((variable) => variable.name);
  const context: PodContext = {
    objects,
    namespace: "parley",
    images,
    secrets,
    hostPorts,
    external: { [collectorAddress]: sinkAddress },
    portVariables: portVariables(table),
  };

  return {
    objects,
    collector,
    migrations,
    deployments,
    async plan(workload, options = {}) {
      const own = options.ownPorts
        ? new Map(hostPorts).set(workloadId(workload), await hostPortsOf(workload))
        : hostPorts;
      return containerPlan(workload, { ...context, objects: options.objects ?? objects, hostPorts: own });
    },
    async start(plan) {
      const problems = await unreadablePaths(docker, plan, suffix, contract);
      if (problems.length > 0) throw new Error(problems.join("\n"));
      const container = await startContainer(docker, plan, suffix);
      started.push(container);
      return container;
    },
    async teardown() {
      await Promise.all(started.map((container) => container.remove().catch(() => undefined)));
      const leftovers = (
        await docker.run(["ps", "--all", "--quiet", "--filter", `label=${SUITE_LABEL}=${suffix}`])
      ).trim();
      if (leftovers) await docker.run(["rm", "--force", ...leftovers.split("\n")]);
      await collector.stop();
      await sql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      rabbitmqctl("delete_vhost", vhost);
    },
  };
}
