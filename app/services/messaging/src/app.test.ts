import { loadConfig } from "@parley/config";
import { messagingV1 } from "@parley/contracts";
import { callUnary, createClient } from "@parley/grpc";
import { createLogger } from "@parley/logger";
import { dropSchemas, eventually, testDatabaseUrl, uniqueName } from "@parley/test-support";
import { migrateMessaging } from "./app";
import { messagingConfigShape } from "./config";
import { type MessagingUnderTest, startMessagingUnderTest } from "./test-support/messaging-under-test";

describe("messaging service: start-up, readiness and a broker that cannot be reached", () => {
  let m: MessagingUnderTest;

  beforeAll(async () => {
    m = await startMessagingUnderTest();
  });

  afterAll(() => m.stop());

  const readyz = async (adminPort: number) => {
    const response = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it("when the service runs, then /readyz checks the database only", async () => {
    expect(await readyz(m.messaging.adminPort)).toEqual({
      status: 200,
      body: { status: "ready", checks: { database: "ok" } },
    });
  });

  it("when a replica cannot reach the broker, then it is still ready and accepts sends, and another replica's relay publishes them", async () => {
    const offline = await m.startInstance({ AMQP_URL: "amqp://guest:guest@127.0.0.1:1" });
    expect((await readyz(offline.adminPort)).status).toBe(200);
    const client = createClient(messagingV1.MessagingServiceClient, `127.0.0.1:${offline.grpcPort}`);
    try {
      const events = await m.watchMessageSent();
      const [ada, bob] = await m.registerMany(2, "outage");
      const { conversation } = await callUnary(
        client,
        "getOrCreateDirectConversation",
        { userId: bob!.id },
        m.as(ada!),
      );
      const { message, created } = await callUnary(
        client,
        "sendMessage",
        { conversationId: conversation!.id, body: "through the outbox", idempotencyKey: "outage-1" },
        m.as(ada!),
      );
      expect(created).toBe(true);
      // The first replica's relay polls the shared outbox and publishes the event.
      const published = await eventually(() => events.messages.some((e) => e.content.includes(message!.id)));
      expect(published).toBe(true);
    } finally {
      client.close();
    }
  });

  it("when migrate runs twice on a fresh schema, then the second run has nothing to do", async () => {
    const schema = uniqueName("msg_migrate");
    const config = loadConfig(messagingConfigShape, {
      DATABASE_URL: testDatabaseUrl,
      DATABASE_SCHEMA: schema,
      AMQP_URL: "amqp://127.0.0.1:5672",
      AUTH_GRPC_URL: "127.0.0.1:1",
    });
    const logger = createLogger({ service: "migrate-test", level: "silent" });
    try {
      await migrateMessaging(config, logger);
      await migrateMessaging(config, logger);
      const tables = await m.db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      );
      expect(tables.map((t) => t.table_name)).toEqual([
        "conversation_members",
        "conversations",
        "messages",
        "migrations",
        "outbox",
      ]);
    } finally {
      await dropSchemas(schema);
    }
  });

  it("when a variable is missing or malformed, then the configuration names it", () => {
    expect(() =>
      loadConfig(messagingConfigShape, {
        DATABASE_URL: testDatabaseUrl,
        AMQP_URL: "http://broker",
        AUTH_GRPC_URL: "auth:50051",
      }),
    ).toThrow(/AMQP_URL: must be a URL starting with amqp:\/\/ or amqps:\/\//);
    expect(() => loadConfig(messagingConfigShape, { DATABASE_URL: testDatabaseUrl })).toThrow(
      /AUTH_GRPC_URL: is required/,
    );
  });
});
