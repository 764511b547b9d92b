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

describe("event consumer ordering (real PostgreSQL and RabbitMQ)", () => {
  const schema = uniqueName("ordering_test");
  const names = topologyNames(uniqueName("orderingtest"));
  const queue = names.consumerQueue("ordered");
  let db: ServiceDatabase;
  let broker: BrokerConnection;
  let consumer: EventConsumer;
  let admin: Awaited<ReturnType<typeof openTestChannel>>;
  const handled: { key: string; index: number }[] = [];

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
      orderingKey: (event) => (event.type === "message.sent" ? event.payload.conversationId : ""),
      handle: async (event) => {
        if (event.type !== "message.sent") return;
        // Later events finish sooner when run concurrently: only the ordering keeps them in line.
        const index = Number(event.payload.preview);
        await new Promise((resolve) => setTimeout(resolve, 30 - (index % 10) * 3));
        handled.push({ key: event.payload.conversationId, index });
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

  it("when events share a key, then they are handled in delivery order while other keys proceed", async () => {
    const keys = [randomUUID(), randomUUID()];
    for (let index = 0; index < 10; index += 1) for (const key of keys) publish(key, index);
    expect(await eventually(() => handled.length === 20)).toBe(true);
    for (const key of keys) {
      expect(handled.filter((h) => h.key === key).map((h) => h.index)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
    }
    // The two keys interleave: neither waited for the other to finish.
    const firstKeyDone = handled.findIndex((h) => h.key === keys[0] && h.index === 9);
    expect(handled.slice(0, firstKeyDone).some((h) => h.key === keys[1])).toBe(true);
  });
});
