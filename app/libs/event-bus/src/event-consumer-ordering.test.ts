import { randomUUID } from "node:crypto";
import { eventsV1 } from "@parley/contracts";
import { type ServiceDatabase, openDatabase } from "@parley/database";
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
import { CreateProcessedEvents1732600000001, type EventConsumer, startEventConsumer } from "./event-consumer";
import { deadLetterQueueOf, retryQueueOf, topologyNames } from "./topology";

const logger = createLogger({ service: "ordering-test", level: "silent" });

describe("event consumer batches and ordering (real PostgreSQL and RabbitMQ)", () => {
  const schema = uniqueName("ordering_test");
  const names = topologyNames(uniqueName("orderingtest"));
  const queue = names.consumerQueue("ordered");
  let db: ServiceDatabase;
  let broker: BrokerConnection;
  let consumer: EventConsumer;
  let admin: Awaited<ReturnType<typeof openTestChannel>>;
  const handled: { key: string; index: number }[] = [];
  const batchSizes: number[] = [];

  function publish(key: string, index: number) {
    const payload = eventsV1.MessageSent.encode({
      messageId: randomUUID(),
      conversationId: key,
      senderId: randomUUID(),
      recipientIds: [],
      preview: String(index),
      sentAt: new Date(),
    }).finish();
    publishRawEvent(admin.channel, names.events, "message.sent", payload);
  }

  beforeAll(async () => {
    db = await openDatabase({
      url: testDatabaseUrl,
      schema,
      poolSize: 8,
      migrations: [CreateProcessedEvents1732600000001],
      applicationName: "ordering-test",
      logger,
    });
    await db.migrate();
    admin = await openTestChannel();
    broker = createBrokerConnection({ url: testAmqpUrl, clientName: "ordering-test", logger });
    consumer = startEventConsumer({
      broker,
      db,
      names,
      consumer: "ordered",
      eventTypes: ["message.sent"],
      logger,
      prefetch: 16,
      handle: async (events) => {
        batchSizes.push(events.length);
        for (const event of events) {
          if (event.type !== "message.sent") continue;
          const index = Number(event.payload.preview);
          // The first event holds its batch open, so the ones behind it arrive as a batch.
          if (index === 0) await new Promise((resolve) => setTimeout(resolve, 100));
          handled.push({ key: event.payload.conversationId, index });
        }
        return events.map(() => undefined);
      },
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

  it("when events arrive while a batch is handled, then they form the next batch and keep their order", async () => {
    const keys = [randomUUID(), randomUUID()];
    for (let index = 0; index < 10; index += 1) for (const key of keys) publish(key, index);
    expect(await eventually(() => handled.length === 20)).toBe(true);
    for (const key of keys) {
      expect(handled.filter((h) => h.key === key).map((h) => h.index)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
    }
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(16);
  });
});
