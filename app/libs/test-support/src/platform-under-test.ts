import { type Platform, type PlatformOptions, startPlatform } from "@parley/launcher";
import { dropSchemas, testDatabaseUrl, uniqueName } from "./real-servers";
import { writeSigningKey } from "./signing-keys";

export const testAmqpUrl = process.env.TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

export interface PlatformUnderTest extends Platform {
  /** Every line every service wrote, for assertions about logs. */
  logs: { name: string; line: string }[];
  /** Stops the services and drops their schemas. */
  teardown(): Promise<void>;
}

/**
 * The built services as real processes on free ports, on the real PostgreSQL and RabbitMQ, in
 * schemas of their own. Set PARLEY_TEST_LOGS=1 to see their output.
 */
export async function startPlatformUnderTest(
  options: Partial<Pick<PlatformOptions, "env" | "serviceEnv">> = {},
): Promise<PlatformUnderTest> {
  const schemaPrefix = `${uniqueName("e2e")}_`;
  const logs: { name: string; line: string }[] = [];
  const platform = await startPlatform({
    databaseUrl: testDatabaseUrl,
    amqpUrl: testAmqpUrl,
    keysDir: await writeSigningKey("test-1"),
    schemaPrefix,
    ports: "free",
    env: { LOG_LEVEL: "info", AUTH_PASSWORD_HASH_MEMORY_KIB: "8192", ...options.env },
    serviceEnv: options.serviceEnv,
    onLine: (name, line) => {
      logs.push({ name, line });
      if (process.env.PARLEY_TEST_LOGS) process.stdout.write(`${name} | ${line}\n`);
    },
  });
  return {
    ...platform,
    logs,
    async teardown() {
      await platform.stop();
      await dropSchemas(
        ...["auth", "messaging", "notification"].map((service) => `${schemaPrefix}${service}`),
      );
    },
  };
}
