import { join, resolve } from "node:path";
import { freePort } from "./free-port";
import { type ServiceProcess, startServiceProcess } from "./service-process";

export type ServiceName = "auth" | "messaging" | "notification" | "gateway";

/** The repository root, from `app/launcher/dist` or `app/launcher/src`. */
export const repositoryRoot = resolve(__dirname, "..", "..", "..");

export interface PlatformOptions {
  databaseUrl: string;
  amqpUrl: string;
  keysDir: string;
  /** Each service owns schema `<schemaPrefix><service>`; tests pass a unique prefix. */
  schemaPrefix?: string;
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
}

interface LaunchContext {
  databaseUrl: string;
  amqpUrl: string;
  keysDir: string;
  schemaPrefix: string;
  targets: Map<ServiceName, string>;
  port: number;
}

interface ServiceSpec {
  name: ServiceName;
  fixedPorts: { main: number; admin: number };
  /** What the launcher sets for the service: only variables the service reads. */
  env(context: LaunchContext): Record<string, string>;
}

const storage = (name: ServiceName, { databaseUrl, amqpUrl, schemaPrefix }: LaunchContext) => ({
  DATABASE_URL: databaseUrl,
  DATABASE_SCHEMA: `${schemaPrefix}${name}`,
  AMQP_URL: amqpUrl,
});

/** The services in start order: each one's upstreams come before it. */
const services: ServiceSpec[] = [
  {
    name: "auth",
    fixedPorts: { main: 50051, admin: 9465 },
    env: (context) => ({
      GRPC_PORT: String(context.port),
      ...storage("auth", context),
      AUTH_SIGNING_KEYS_DIR: context.keysDir,
    }),
  },
  {
    name: "messaging",
    fixedPorts: { main: 50052, admin: 9466 },
    env: (context) => ({
      GRPC_PORT: String(context.port),
      ...storage("messaging", context),
      AUTH_GRPC_URL: context.targets.get("auth")!,
    }),
  },
  {
    name: "notification",
    fixedPorts: { main: 50053, admin: 9467 },
    env: (context) => ({
      GRPC_PORT: String(context.port),
      ...storage("notification", context),
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

/** Names of the variables the launcher itself sets for a service (the README's table lists each). */
export function launcherVariables(name: ServiceName): string[] {
  const spec = services.find((s) => s.name === name)!;
  const targets = new Map(services.map((s) => [s.name, "127.0.0.1:1"]));
  const context = { databaseUrl: "", amqpUrl: "", keysDir: "", schemaPrefix: "", targets, port: 1 };
  return ["ADMIN_PORT", "OTEL_SERVICE_NAME", ...Object.keys(spec.env(context))];
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
  const processes = new Map<ServiceName, ServiceProcess[]>();
  const launches = new Map<ServiceName, { env: Record<string, string>; adminPort: number }[]>();
  const targets = new Map<ServiceName, string>();
  const gatewayPorts: number[] = [];

  const launch = async (name: ServiceName, replica: number) => {
    const { env, adminPort } = launches.get(name)![replica]!;
    const process = startServiceProcess({
      name: replica === 0 ? name : `${name}-${replica + 1}`,
      entry: join(repositoryRoot, "app", "services", name, "dist", "main.js"),
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
            ...spec.env({ databaseUrl, amqpUrl, keysDir, schemaPrefix, targets, port }),
            ...options.serviceEnv?.[spec.name],
          },
        });
      }
      launches.set(spec.name, replicas);
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
  };
}
