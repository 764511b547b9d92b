import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  type DataService,
  type PlatformCredentials,
  provisionCredentials,
  rolePrefixOf,
} from "./credentials";
import { freePort } from "./free-port";
import { type ServiceProcess, startServiceProcess } from "./service-process";

export type ServiceName = "auth" | "messaging" | "notification" | "gateway";

/** The repository root, from `app/launcher/dist` or `app/launcher/src`. */
export const repositoryRoot = resolve(__dirname, "..", "..", "..");

export interface PlatformOptions {
  /** An administrator of the database: it creates each service's roles (the services never use it). */
  databaseUrl: string;
  /** An administrator of the broker: it creates each service's user through the management API. */
  amqpUrl: string;
  /** The broker's management API; `http://<AMQP host>:15672` by default. */
  managementUrl?: string;
  keysDir: string;
  /** Where each service's password files are written. */
  secretsDir: string;
  /** Each service owns schema `<schemaPrefix><service>`; tests pass a unique prefix. */
  schemaPrefix?: string;
  /** Each service's roles and broker user are `<rolePrefix>_<service>`; the database's name by default. */
  rolePrefix?: string;
  /** The broker namespace (AMQP_NAMESPACE); `parley` by default. */
  namespace?: string;
  /** `fixed`: gateway on `gatewayPort` (8080), gRPC on 50051-50053, admin on 9464-9467. `free`: any free ports. */
  ports: "fixed" | "free";
  gatewayPort?: number;
  /** Processes per service (tests run several notification and gateway replicas); 1 by default. */
  replicas?: Partial<Record<ServiceName, number>>;
  /** Options for node itself in every service process (profiling, for instance). */
  nodeArgs?: string[];
  /**
   * Every service starts with this environment (the launcher's own by default, so documented
   * variables such as LOG_LEVEL and OTEL_* reach the services), then `env`, then the launcher's
   * per-service values (ports, schemas, upstream targets), then `serviceEnv`.
   */
  inheritedEnv?: NodeJS.ProcessEnv;
  /** Extra variables for every service, then per service. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  onLine(name: string, line: string): void;
}

export interface Platform {
  /** The first gateway replica's URL. */
  gatewayUrl: string;
  gatewayUrls: string[];
  /** Every replica of every service, in start order. */
  processes: Map<ServiceName, ServiceProcess[]>;
  /** Starts a replica again (after a test killed it) on the same ports and waits until it is ready. */
  restart(name: ServiceName, replica?: number): Promise<ServiceProcess>;
  /** Stops every service, the gateway first, and waits for each to exit. */
  stop(): Promise<void>;
  /** Each data service's roles, broker user and password files; rotation; removal. */
  credentials: PlatformCredentials;
}

interface LaunchContext {
  /** The service's own database role and broker user (data services only). */
  storage: Record<string, string>;
  keysDir: string;
  targets: Map<ServiceName, string>;
  port: number;
}

interface ServiceSpec {
  name: ServiceName;
  fixedPorts: { main: number; admin: number };
  /** What the launcher sets for the service: only variables the service reads. */
  env(context: LaunchContext): Record<string, string>;
}

/** The services in start order: each one's upstreams come before it. */
const services: ServiceSpec[] = [
  {
    name: "auth",
    fixedPorts: { main: 50051, admin: 9465 },
    env: (context) => ({
      GRPC_PORT: String(context.port),
      ...context.storage,
      AUTH_SIGNING_KEYS_DIR: context.keysDir,
    }),
  },
  {
    name: "messaging",
    fixedPorts: { main: 50052, admin: 9466 },
    env: (context) => ({
      GRPC_PORT: String(context.port),
      ...context.storage,
      AUTH_GRPC_URL: context.targets.get("auth")!,
    }),
  },
  {
    name: "notification",
    fixedPorts: { main: 50053, admin: 9467 },
    env: (context) => ({
      GRPC_PORT: String(context.port),
      ...context.storage,
      AUTH_GRPC_URL: context.targets.get("auth")!,
      MESSAGING_GRPC_URL: context.targets.get("messaging")!,
    }),
  },
  {
    name: "gateway",
    fixedPorts: { main: 8080, admin: 9464 },
    env: ({ port, targets }) => ({
      HTTP_PORT: String(port),
      AUTH_GRPC_URL: targets.get("auth")!,
      MESSAGING_GRPC_URL: targets.get("messaging")!,
      NOTIFICATION_GRPC_URL: targets.get("notification")!,
    }),
  },
];

/** What the launcher sets for a data service's own database role and broker user. */
const storageVariables = [
  "DATABASE_URL",
  "DATABASE_PASSWORD_FILE",
  "DATABASE_SCHEMA",
  "DATABASE_MIGRATE_ON_START",
  "AMQP_URL",
  "AMQP_PASSWORD_FILE",
];

const isDataService = (name: ServiceName): name is DataService => name !== "gateway";
const runCommand = promisify(execFile);

/** Names of the variables the launcher itself sets for a service (the README's table lists each). */
export function launcherVariables(name: ServiceName): string[] {
  const spec = services.find((s) => s.name === name)!;
  const targets = new Map(services.map((s) => [s.name, "127.0.0.1:1"]));
  const storage = name === "gateway" ? {} : Object.fromEntries(storageVariables.map((key) => [key, ""]));
  const context = { storage, keysDir: "", targets, port: 1 };
  const namespace = name === "gateway" ? [] : ["AMQP_NAMESPACE"];
  return ["ADMIN_PORT", "OTEL_SERVICE_NAME", ...namespace, ...Object.keys(spec.env(context))];
}

const definedOnly = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/** A gRPC target for all replicas: one address, or grpc-js' `ipv4:` list balanced round-robin. */
const targetOf = (ports: number[]) =>
  ports.length === 1 ? `127.0.0.1:${ports[0]}` : `ipv4:${ports.map((port) => `127.0.0.1:${port}`).join(",")}`;

/** Starts every service as its own process (or several) and waits until each is ready. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { databaseUrl, amqpUrl, keysDir, schemaPrefix = "", onLine } = options;
  const namespace = options.namespace ?? "parley";
  const credentials = await provisionCredentials({
    adminDatabaseUrl: databaseUrl,
    adminAmqpUrl: amqpUrl,
    managementUrl: options.managementUrl ?? `http://${new URL(amqpUrl).hostname}:15672`,
    rolePrefix: options.rolePrefix ?? rolePrefixOf(databaseUrl),
    schemaPrefix,
    namespace,
    secretsDir: options.secretsDir,
  });
  const processes = new Map<ServiceName, ServiceProcess[]>();
  const launches = new Map<ServiceName, { env: Record<string, string>; adminPort: number }[]>();
  const targets = new Map<ServiceName, string>();
  const gatewayPorts: number[] = [];

  const launch = async (name: ServiceName, replica: number) => {
    const { env, adminPort } = launches.get(name)![replica]!;
    const process = startServiceProcess({
      name: replica === 0 ? name : `${name}-${replica + 1}`,
      entry: entryOf(name),
      env,
      nodeArgs: options.nodeArgs,
      adminPort,
      onLine,
    });
    const list = processes.get(name) ?? [];
    list[replica] = process;
    processes.set(name, list);
    await process.ready();
    return process;
  };
  const stop = async () => {
    for (const list of [...processes.values()].reverse())
      await Promise.all(list.map((process) => process.stop()));
  };

  const entryOf = (name: ServiceName) => join(repositoryRoot, "app", "services", name, "dist", "main.js");
  /** Applies a data service's migrations as its migration role, the way the Kubernetes Job does. */
  const migrate = async (name: DataService, env: Record<string, string>) => {
    await runCommand(process.execPath, [entryOf(name), "migrate"], {
      env: { ...env, ...credentials.services[name].migrateEnv, LOG_LEVEL: "warn" },
    }).catch((error: Error & { stderr?: string; stdout?: string }) => {
      for (const line of `${error.stdout ?? ""}${error.stderr ?? ""}`.split("\n").filter(Boolean))
        onLine(name, line);
      throw new Error(`${name}: migrate failed`);
    });
  };

  try {
    for (const spec of services) {
      const count = options.replicas?.[spec.name] ?? 1;
      const ports: number[] = [];
      const replicas: { env: Record<string, string>; adminPort: number }[] = [];
      for (let replica = 0; replica < count; replica += 1) {
        const fixed = replica === 0 && options.ports === "fixed";
        const fixedMain =
          spec.name === "gateway" ? (options.gatewayPort ?? spec.fixedPorts.main) : spec.fixedPorts.main;
        const port = fixed ? fixedMain : await freePort();
        const adminPort = fixed ? spec.fixedPorts.admin : await freePort();
        ports.push(port);
        replicas.push({
          adminPort,
          env: {
            ...definedOnly(options.inheritedEnv ?? process.env),
            ADMIN_PORT: String(adminPort),
            ...options.env,
            OTEL_SERVICE_NAME: spec.name,
            ...(isDataService(spec.name) ? { AMQP_NAMESPACE: namespace } : {}),
            ...spec.env({
              storage: isDataService(spec.name) ? credentials.services[spec.name].serveEnv : {},
              keysDir,
              targets,
              port,
            }),
            ...options.serviceEnv?.[spec.name],
          },
        });
      }
      launches.set(spec.name, replicas);
      if (isDataService(spec.name)) await migrate(spec.name, replicas[0]!.env);
      await Promise.all(replicas.map((_, replica) => launch(spec.name, replica)));
      targets.set(spec.name, targetOf(ports));
      if (spec.name === "gateway") gatewayPorts.push(...ports);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const gatewayUrls = gatewayPorts.map((port) => `http://127.0.0.1:${port}`);
  return {
    gatewayUrl: gatewayUrls[0]!,
    gatewayUrls,
    processes,
    restart: (name, replica = 0) => launch(name, replica),
    stop,
    credentials,
  };
}
