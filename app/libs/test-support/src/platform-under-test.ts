import { type Platform, type PlatformOptions, startPlatform } from "@parley/launcher";
import { deleteTopology, openTestChannel } from "./broker";
import { dropSchemas, testDatabaseUrl, uniqueName } from "./real-servers";
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
  const schemaPrefix = `${uniqueName("e2e")}_`;
  const namespace = uniqueName("e2e");
  const logs: { name: string; line: string }[] = [];
  const keysDir = await writeSigningKey("test-1");
  const platform = await startPlatform({
    databaseUrl: testDatabaseUrl,
    amqpUrl: testAmqpUrl,
    keysDir,
    schemaPrefix,
    ports: "free",
    env: {
      LOG_LEVEL: "info",
      AMQP_NAMESPACE: namespace,
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
      await dropSchemas(
        ...["auth", "messaging", "notification"].map((service) => `${schemaPrefix}${service}`),
      );
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
