import { join, resolve } from "node:path";
import { freePort } from "./free-port";
import { type ServiceProcess, startServiceProcess } from "./service-process";

export type ServiceName = "auth" | "gateway";

/** The repository root, from `app/launcher/dist` or `app/launcher/src`. */
export const repositoryRoot = resolve(__dirname, "..", "..", "..");

export interface PlatformOptions {
  databaseUrl: string;
  amqpUrl: string;
  keysDir: string;
  /** Each service owns schema `<schemaPrefix><service>`; tests pass a unique prefix. */
  schemaPrefix?: string;
  /** `fixed`: gateway on `gatewayPort` (8080), gRPC on 50051+, admin on 9464+. `free`: any free ports. */
  ports: "fixed" | "free";
  gatewayPort?: number;
  /** Extra variables for every service, then per service. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  onLine(name: string, line: string): void;
}

export interface Platform {
  gatewayUrl: string;
  processes: Map<ServiceName, ServiceProcess>;
  /** Stops every service, the gateway first, and waits for each to exit. */
  stop(): Promise<void>;
}

interface ServiceSpec {
  name: ServiceName;
  fixedPorts: { main: number; admin: number };
  env(context: {
    schemaPrefix: string;
    addresses: Map<ServiceName, string>;
    port: number;
  }): Record<string, string>;
}

/** The services in start order: each one's upstreams come before it. */
const services: ServiceSpec[] = [
  {
    name: "auth",
    fixedPorts: { main: 50051, admin: 9465 },
    env: ({ schemaPrefix, port }) => ({ GRPC_PORT: String(port), DATABASE_SCHEMA: `${schemaPrefix}auth` }),
  },
  {
    name: "gateway",
    fixedPorts: { main: 8080, admin: 9464 },
    env: ({ addresses, port }) => ({ HTTP_PORT: String(port), AUTH_GRPC_URL: addresses.get("auth")! }),
  },
];

/** Starts every service as its own process and waits until each is ready. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { databaseUrl, amqpUrl, keysDir, schemaPrefix = "", onLine } = options;
  const processes = new Map<ServiceName, ServiceProcess>();
  const addresses = new Map<ServiceName, string>();
  const stop = async () => {
    for (const process of [...processes.values()].reverse()) await process.stop();
  };

  try {
    for (const spec of services) {
      const fixedMain =
        spec.name === "gateway" ? (options.gatewayPort ?? spec.fixedPorts.main) : spec.fixedPorts.main;
      const port = options.ports === "fixed" ? fixedMain : await freePort();
      const adminPort = options.ports === "fixed" ? spec.fixedPorts.admin : await freePort();
      const env = {
        DATABASE_URL: databaseUrl,
        AMQP_URL: amqpUrl,
        AUTH_SIGNING_KEYS_DIR: keysDir,
        ADMIN_PORT: String(adminPort),
        ...options.env,
        ...spec.env({ schemaPrefix, addresses, port }),
        ...options.serviceEnv?.[spec.name],
      };
      const process = startServiceProcess({
        name: spec.name,
        entry: join(repositoryRoot, "app", "services", spec.name, "dist", "main.js"),
        env,
        adminPort,
        onLine,
      });
      processes.set(spec.name, process);
      await process.ready();
      addresses.set(spec.name, `127.0.0.1:${port}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { gatewayUrl: `http://${addresses.get("gateway")!}`, processes, stop };
}
