import { createSign } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "@parley/config";
import { messagingV1 } from "@parley/contracts";
import { openDatabase } from "@parley/database";
import { topologyNames } from "@parley/event-bus";
import { type CallSettings, bearerMetadata, createClient } from "@parley/grpc";
import { createLogger } from "@parley/logger";
import {
  deleteTopology,
  dropSchemas,
  openTestChannel,
  testAmqpUrl,
  testDatabaseUrl,
  uniqueName,
  watchExchange,
  writeSigningKey,
} from "@parley/test-support";
// Tests only: the real auth service runs in-process next to ours.
import { startAuthUnderTest } from "../../../auth/src/test-support/auth-under-test";
import { type RunningMessaging, startMessaging } from "../app";
import { messagingConfigShape } from "../config";

export interface TestUser {
  id: string;
  username: string;
  token: string;
}

// PARLEY_TEST_LOGS=1 shows what the services log.
const logger = createLogger({
  service: "messaging-test",
  level: process.env.PARLEY_TEST_LOGS ? "info" : "silent",
});

/**
 * The real auth service and ours, in-process on port 0, on the real PostgreSQL and RabbitMQ, in
 * schemas and a broker namespace of their own. `stop()` drops and deletes all of it.
 */
export async function startMessagingUnderTest(overrides: { messagingEnv?: Record<string, string> } = {}) {
  const authSchema = uniqueName("msg_test_auth");
  const messagingSchema = uniqueName("msg_test");
  const namespace = uniqueName("msgtest");
  const names = topologyNames(namespace);
  const auth = await startAuthUnderTest({ schema: authSchema, namespace, logger });
  const messagingEnv = {
    DATABASE_URL: testDatabaseUrl,
    DATABASE_SCHEMA: messagingSchema,
    DATABASE_POOL_SIZE: "6",
    AMQP_URL: testAmqpUrl,
    AMQP_NAMESPACE: namespace,
    AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
    GRPC_PORT: "0",
    ADMIN_PORT: "0",
    ...overrides.messagingEnv,
  };
  const instances: RunningMessaging[] = [];
  const startInstance = async (env: Record<string, string> = {}) => {
    const running = await startMessaging(
      loadConfig(messagingConfigShape, { ...messagingEnv, ...env }),
      logger,
    );
    instances.push(running);
    return running;
  };
  const messaging = await startInstance();

  const client = createClient(messagingV1.MessagingServiceClient, `127.0.0.1:${messaging.grpcPort}`);
  const observer = await openTestChannel();
  // For looking behind the API (sequence numbers) and for breaking things on purpose.
  const db = await openDatabase({
    url: testDatabaseUrl,
    schema: messagingSchema,
    poolSize: 2,
    migrations: [],
    applicationName: "messaging-test",
    logger,
  });

  const register = (prefix?: string): Promise<TestUser> => auth.register(prefix);

  return {
    client,
    messaging,
    names,
    messagingSchema,
    db,
    register,
    /** Registers `count` users, a few at a time. */
    async registerMany(count: number, prefix = "many"): Promise<TestUser[]> {
      const users: TestUser[] = [];
      while (users.length < count) {
        const batch = Math.min(8, count - users.length);
        users.push(...(await Promise.all(Array.from({ length: batch }, () => register(prefix)))));
      }
      return users;
    },
    /** Call settings acting as `user`. */
    as: (user: TestUser): CallSettings => ({ metadata: bearerMetadata(user.token) }),
    /** Another messaging replica on the same schema (e.g. with another broker URL). */
    startInstance,
    /** Collects every `message.sent` event published in our namespace from now on. */
    watchMessageSent: () => watchExchange(observer.channel, names.events, ["message.sent"]),
    /** An access token for `user` with valid claims, signed by a key auth never had. */
    async forgeToken(user: TestUser): Promise<string> {
      const { kid } = auth.signingKey;
      const otherKey = await readFile(join(await writeSigningKey(kid), `${kid}.pem`));
      const real = JSON.parse(Buffer.from(user.token.split(".")[1]!, "base64url").toString());
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const unsigned = `${part({ alg: "ES256", typ: "JWT", kid })}.${part(real)}`;
      const signature = createSign("sha256")
        .update(unsigned)
        .sign({ key: otherKey, dsaEncoding: "ieee-p1363" })
        .toString("base64url");
      return `${unsigned}.${signature}`;
    },
    async stop() {
      client.close();
      for (const instance of instances) await instance.stop();
      await auth.stop();
      await db.close();
      await deleteTopology(observer.channel, [], [names.events]);
      await observer.connection.close();
      await dropSchemas(messagingSchema, authSchema);
    },
  };
}

export type MessagingUnderTest = Awaited<ReturnType<typeof startMessagingUnderTest>>;
