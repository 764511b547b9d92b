import { randomUUID } from "node:crypto";
import { eventsV1 } from "@parley/contracts";
import {
  type MigrationInterface,
  type QueryRunner,
  type ServiceDatabase,
  openDatabase,
} from "@parley/database";
import { createLogger } from "@parley/logger";
import {
  deleteTopology,
  dropSchemas,
  eventually,
  openTestChannel,
  publishRawEvent,
  queueStats,
  testAmqpUrl,
  testDatabaseUrl,
  uniqueName,
} from "@parley/test-support";
import { type BrokerConnection, createBrokerConnection } from "./broker-connection";
import {
  CreateProcessedEvents1732600000001,
  type EventConsumer,
  type Outcome,
  startEventConsumer,
} from "./event-consumer";
import { deadLetterQueueOf, retryQueueOf, topologyNames } from "./topology";

class CreateHandled1700000000000 implements MigrationInterface {
  name = "CreateHandled1700000000000";
  async up(runner: QueryRunner) {
    await runner.query(`CREATE TABLE handled (event_id uuid NOT NULL, username text NOT NULL)`);
  }
  async down() {}
}

const logger = createLogger({ service: "consumer-test", level: "silent" });

describe("event consumer (real PostgreSQL and RabbitMQ)", () => {
  const schema = uniqueName("consumer_test");
  const names = topologyNames(uniqueName("consumertest"));
  const queue = names.consumerQueue("test");
  let db: ServiceDatabase;
  let broker: BrokerConnection;
  let consumer: EventConsumer;
  let admin: Awaited<ReturnType<typeof openTestChannel>>;
  const outcomes: { username?: string; outcome: Outcome }[] = [];
  const batchSizes: number[] = [];

  const handledCount = async (username: string) =>
    Number(
      (await db.query<{ n: string }>(`SELECT count(*) AS n FROM handled WHERE username = $1`, [username]))[0]!
        .n,
    );

  function publish(username: string, eventId: string = randomUUID(), headers: Record<string, unknown> = {}) {
    const payload = eventsV1.UserRegistered.encode({
      userId: randomUUID(),
      username,
      registeredAt: new Date(),
    }).finish();
    return publishRawEvent(admin.channel, names.events, "user.registered", payload, { eventId, headers });
  }

  beforeAll(async () => {
    db = await openDatabase({
      url: testDatabaseUrl,
      schema,
      poolSize: 6,
      migrations: [CreateProcessedEvents1732600000001, CreateHandled1700000000000],
      applicationName: "consumer-test",
      logger,
    });
    await db.migrate();
    admin = await openTestChannel();
    broker = createBrokerConnection({ url: testAmqpUrl, clientName: "consumer-test", logger });
    consumer = startEventConsumer({
      broker,
      db,
      names,
      consumer: "test",
      eventTypes: ["user.registered"],
      logger,
      maxAttempts: 3,
      retryDelaysMs: [50, 100],
      handle: async (events, query) => {
        batchSizes.push(events.length);
        for (const event of events) {
          if (event.type !== "user.registered") continue;
          const { username } = event.payload;
          if (username.startsWith("poison")) throw new Error("this event always fails");
          if (username.startsWith("flaky") && event.attempt < 2) throw new Error("fails the first time");
          // Holds the batch open, so that the events published behind it arrive as one batch.
          if (username.startsWith("slow")) await new Promise((resolve) => setTimeout(resolve, 150));
          await query(`INSERT INTO handled (event_id, username) VALUES ($1, $2)`, [event.id, username]);
        }
        return events.map(() => undefined);
      },
      onOutcome: (event, outcome) =>
        outcomes.push({
          username: event?.type === "user.registered" ? event.payload.username : undefined,
          outcome,
        }),
    });
    expect(
      await eventually(async () => (await queueStats(admin.connection, queue))?.consumerCount === 1),
    ).toBe(true);
  });

  afterAll(async () => {
    await consumer?.stop();
    await broker?.close();
    await deleteTopology(
      admin.channel,
      [queue, retryQueueOf(queue), deadLetterQueueOf(queue)],
      [names.events, names.deadLetters],
    );
    await admin.connection.close();
    await db.close();
    await dropSchemas(schema);
  });

  it("when an event arrives, then it is handled once in a transaction and acknowledged", async () => {
    publish("ada");
    expect(await eventually(async () => (await handledCount("ada")) === 1)).toBe(true);
    expect(
      await eventually(async () => (await queueStats(admin.connection, queue))?.messageCount === 0),
    ).toBe(true);
  });

  it("when the same event is delivered again, then it is not handled a second time", async () => {
    const eventId = publish("grace");
    expect(await eventually(async () => (await handledCount("grace")) === 1)).toBe(true);
    publish("grace", eventId);
    expect(
      await eventually(() => outcomes.some((o) => o.username === "grace" && o.outcome === "duplicate")),
    ).toBe(true);
    expect(await handledCount("grace")).toBe(1);
  });

  it("when an event fails once, then it is retried after a backoff and handled", async () => {
    publish("flaky-linus");
    expect(await eventually(async () => (await handledCount("flaky-linus")) === 1)).toBe(true);
    expect(outcomes.filter((o) => o.username === "flaky-linus").map((o) => o.outcome)).toEqual([
      "retried",
      "processed",
    ]);
  });

  it("when an event always fails, then after the configured attempts it is in the dead-letter queue and later events still flow", async () => {
    const poisonId = publish("poison-pill");
    publish("after-poison");
    expect(await eventually(async () => (await handledCount("after-poison")) === 1)).toBe(true);
    expect(
      await eventually(
        () =>
          outcomes.filter((o) => o.username === "poison-pill" && o.outcome === "dead-lettered").length === 1,
      ),
    ).toBe(true);
    expect(outcomes.filter((o) => o.username === "poison-pill").map((o) => o.outcome)).toEqual([
      "retried",
      "retried",
      "dead-lettered",
    ]);
    const dead = await admin.channel.get(deadLetterQueueOf(queue), { noAck: true });
    expect(dead && dead.properties.headers?.["event-id"]).toBe(poisonId);
    expect(await handledCount("poison-pill")).toBe(0);
  });

  it("when a delivery cannot be read, then it goes straight to the dead-letter queue", async () => {
    publish("unreadable", "not-a-uuid");
    const dead = await eventually(
      async () => (await queueStats(admin.connection, deadLetterQueueOf(queue)))?.messageCount === 1,
    );
    expect(dead).toBe(true);
    const message = await admin.channel.get(deadLetterQueueOf(queue), { noAck: true });
    expect(message && message.properties.headers?.["event-id"]).toBe("not-a-uuid");
  });

  it("when events arrive together, then they are handled in one transaction and one bad event holds back none of them", async () => {
    publish("slow-hopper");
    await eventually(() => batchSizes.length > 0);
    const before = batchSizes.length;
    const together = ["batch-a", "batch-b", "poison-in-batch", "batch-c"];
    const ids = together.map((username) => publish(username));
    publish("batch-a", ids[0]); // the same event again, in the same batch
    for (const username of ["batch-a", "batch-b", "batch-c"]) {
      expect(await eventually(async () => (await handledCount(username)) === 1)).toBe(true);
    }
    expect(Math.max(...batchSizes.slice(before))).toBeGreaterThanOrEqual(4);
    expect(
      await eventually(() =>
        outcomes.some((o) => o.username === "poison-in-batch" && o.outcome === "dead-lettered"),
      ),
    ).toBe(true);
    expect(await handledCount("poison-in-batch")).toBe(0);
    expect(outcomes.filter((o) => o.username === "batch-a").map((o) => o.outcome)).toEqual([
      "processed",
      "duplicate",
    ]);
  });
});
