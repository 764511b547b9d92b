// The local overlay on docker instead of kind: the rendered workloads run as containers on the host
// network, the machine's PostgreSQL and RabbitMQ stand in for the in-cluster ones (a database and a
// namespace of exchanges and queues of their own, removed afterwards), and an OTLP sink for the
// collector the manifests export to. The Secrets are those the local-secrets Job would create, with
// the URLs pointing here: the machine's administrators (the superuser, and RabbitMQ's management API
// as guest) for the provision step, and roles and broker users named for this run, which the
// provision step creates and the teardown drops.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Docker } from "@parley/containers";
import { topologyNames } from "@parley/event-bus";
import { freePort } from "@parley/launcher";
import {
  OtlpSink,
  configurationTable,
  deleteTopology,
  openTestChannel,
  portVariables,
  testAmqpUrl,
  testDatabaseUrl,
} from "@parley/test-support";
import { Client } from "pg";
import { type K8sObject, render } from "../test-support/render";
import {
  type ContainerPlan,
  type PodContext,
  containerPlan,
  containerPorts,
  initContainerNames,
  workloadId,
} from "./pod-spec";
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
   * The plan of a workload's container (its pod's container unless `container` names an init
   * container). `objects` replaces the render (a test that breaks a manifest), and `ownPorts` gives
   * the workload host ports of its own, for a second copy beside the first.
   */
  plan(
    workload: K8sObject,
    options?: { objects?: K8sObject[]; ownPorts?: boolean; container?: string },
  ): Promise<ContainerPlan>;
  /** The plans of a workload's init containers, in the order they run, then its container's. */
  plans(workload: K8sObject): Promise<ContainerPlan[]>;
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
  // Exchanges and queues of this run's own, in the broker's default virtual host, where the
  // provision step gives each service's user its permissions.
  const namespace = `parley_containers_${suffix}`;
  for (const config of objects.filter((o) => o.kind === "ConfigMap" && o.data?.AMQP_NAMESPACE))
    config.data.AMQP_NAMESPACE = namespace;
  const collector = new OtlpSink();
  const started: RunningContainer[] = [];

  await sql(`CREATE DATABASE "${database}"`);
  const databaseUrl = new URL(testDatabaseUrl);
  databaseUrl.pathname = `/${database}`;
  const amqpUrl = new URL(testAmqpUrl);
  amqpUrl.pathname = "";
  const withUser = (base: URL, user: string) => {
    const url = new URL(base);
    url.username = user;
    url.password = "";
    return url.toString();
  };

  // The machine's administrators stand in for the in-cluster ones; every other identity is this run's.
  const generated = Object.fromEntries(buildSecrets().map((s) => [s.name, s.data]));
  const secrets: Record<string, Record<string, string>> = { ...generated };
  secrets["parley-database-admin"] = {
    DATABASE_ADMIN_URL: withUser(databaseUrl, new URL(testDatabaseUrl).username || "postgres"),
    // Local PostgreSQL trusts 127.0.0.1, so the generated password serves when the URL has none.
    password:
      decodeURIComponent(new URL(testDatabaseUrl).password) || generated["parley-database-admin"]!.password!,
  };
  secrets["parley-rabbitmq-admin"] = {
    RABBITMQ_MANAGEMENT_URL: `http://${amqpUrl.hostname}:15672`,
    RABBITMQ_ADMIN_USER: decodeURIComponent(amqpUrl.username) || "guest",
    password: decodeURIComponent(new URL(testAmqpUrl).password) || "guest",
  };
  const roles: string[] = [];
  const brokerUsers: string[] = [];
  for (const service of ["auth", "messaging", "notification"]) {
    const runtime = `parley_${service}_${suffix}`;
    const migrator = `parley_${service}_migrator_${suffix}`;
    roles.push(runtime, migrator);
    brokerUsers.push(runtime);
    secrets[`${service}-database`] = {
      ...generated[`${service}-database`],
      DATABASE_URL: withUser(databaseUrl, runtime),
    };
    secrets[`${service}-database-migrator`] = {
      ...generated[`${service}-database-migrator`],
      DATABASE_URL: withUser(databaseUrl, migrator),
    };
    secrets[`${service}-rabbitmq`] = {
      ...generated[`${service}-rabbitmq`],
      AMQP_URL: withUser(amqpUrl, runtime),
    };
  }

  const common = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("parley-common"));
  const collectorAddress = new URL(common!.data.OTEL_EXPORTER_OTLP_ENDPOINT).host;
  const sinkAddress = new URL(await collector.start()).host;

  const parley = (o: K8sObject) => o.metadata.labels?.["app.kubernetes.io/part-of"] === "parley";
  const migrations = objects.filter(
    (o) =>
      o.kind === "Job" && parley(o) && o.metadata.labels?.["app.kubernetes.io/component"] === "migration",
  );
  // The services' own images; third-party Deployments of the overlay (postgres_exporter) are not built here.
  const ownImages = (o: K8sObject) =>
    (o.spec.template.spec.containers as { image: string }[]).every((c) => c.image.startsWith("parley-"));
  const deployments = objects.filter((o) => o.kind === "Deployment" && parley(o) && ownImages(o));
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
      return containerPlan(
        workload,
        { ...context, objects: options.objects ?? objects, hostPorts: own },
        options.container,
      );
    },
    async plans(workload) {
      return [
        ...initContainerNames(workload).map((name) => containerPlan(workload, context, name)),
        containerPlan(workload, context),
      ];
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
      // What they owned went with the database; the roles and users are the cluster's, not its.
      for (const role of roles) await sql(`DROP ROLE IF EXISTS "${role}"`);
      for (const user of brokerUsers) {
        try {
          rabbitmqctl("delete_user", user);
        } catch {
          // Never created: the provision step did not run.
        }
      }
      const names = topologyNames(namespace);
      const { connection, channel } = await openTestChannel();
      const queue = names.consumerQueue("notification");
      await deleteTopology(
        channel,
        [queue, `${queue}.retry`, `${queue}.dlq`],
        [names.events, names.deadLetters, names.live],
      );
      await connection.close();
    },
  };
}
