import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  type Platform,
  type PlatformOptions,
  removeCredentials,
  repositoryRoot,
  rolePrefixOf,
  startPlatform,
} from "@parley/launcher";
import { Client } from "pg";
import { deleteTopology, openTestChannel } from "./broker";
import { testDatabaseUrl, uniqueName } from "./real-servers";
import { writeSigningKey } from "./signing-keys";

export const testAmqpUrl = process.env.TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

export interface PlatformUnderTest extends Platform {
  /** Every line every service wrote, for assertions about logs. */
  logs: { name: string; line: string }[];
  /** The broker namespace (AMQP_NAMESPACE) of this platform's exchanges and queues. */
  namespace: string;
  /** Each service's schema is `<schemaPrefix><service>` in the test database. */
  schemaPrefix: string;
  /** The folder of the auth service's signing key (`test-1.pem`), for tests that forge tokens. */
  keysDir: string;
  /** Stops the services and drops their schemas, exchanges and queues. */
  teardown(): Promise<void>;
}

/**
 * The built services as real processes on free ports, on the real PostgreSQL and RabbitMQ, in
 * schemas of their own. Set PARLEY_TEST_LOGS=1 to see their output.
 */
export async function startPlatformUnderTest(
  options: Partial<Pick<PlatformOptions, "env" | "serviceEnv" | "replicas" | "nodeArgs">> & {
    /** Receives the services' lines instead of `logs` (the benchmark counts errors, keeps nothing). */
    onLine?: PlatformOptions["onLine"];
  } = {},
): Promise<PlatformUnderTest> {
  const unique = uniqueName("e2e");
  const schemaPrefix = `${unique}_`;
  const namespace = unique;
  const logs: { name: string; line: string }[] = [];
  const keysDir = await writeSigningKey("test-1");
  const platform = await startPlatform({
    databaseUrl: testDatabaseUrl,
    amqpUrl: testAmqpUrl,
    keysDir,
    secretsDir: await mkdtemp(join(tmpdir(), "parley-secrets-")),
    schemaPrefix,
    rolePrefix: unique,
    namespace,
    ports: "free",
    env: {
      LOG_LEVEL: "info",
      AUTH_PASSWORD_HASH_MEMORY_KIB: "8192",
      STREAM_HEARTBEAT_SECONDS: "2",
      SSE_HEARTBEAT_SECONDS: "2",
      ...options.env,
    },
    serviceEnv: options.serviceEnv,
    nodeArgs: options.nodeArgs,
    replicas: options.replicas,
    onLine:
      options.onLine ??
      ((name, line) => {
        logs.push({ name, line });
        if (process.env.PARLEY_TEST_LOGS) process.stdout.write(`${name} | ${line}\n`);
      }),
  });
  return {
    ...platform,
    logs,
    namespace,
    schemaPrefix,
    keysDir,
    async teardown() {
      await platform.stop();
      await platform.credentials.remove();
      const { connection, channel } = await openTestChannel();
      const queue = `${namespace}.notification.events`;
      await deleteTopology(
        channel,
        [queue, `${queue}.retry`, `${queue}.dlq`],
        [`${namespace}.events`, `${namespace}.events.dlx`, `${namespace}.live`],
      );
      await connection.close();
    },
  };
}

/**
 * Removes what `npm start` (the launcher's main) made for a database of its own: the services'
 * roles, schemas and broker users, then the database.
 */
export async function dropLauncherDatabase(name: string): Promise<void> {
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const exists = async (client: Client) =>
    (await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount === 1;
  const admin = new URL(testDatabaseUrl);
  admin.pathname = "/postgres";
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    if (!(await exists(client))) return;
    await removeCredentials({
      adminDatabaseUrl: url.toString(),
      adminAmqpUrl: testAmqpUrl,
      managementUrl: `http://${new URL(testAmqpUrl).hostname}:15672`,
      rolePrefix: rolePrefixOf(url.toString()),
      schemaPrefix: "",
    });
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Runs `npm start`'s launcher (built) as a process with `env` over this one's; its lines collect in `output`. */
export function runLauncher(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(repositoryRoot, "app", "launcher", "dist", "main.js")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on("line", (line) => output.push(line));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output, exited };
}
