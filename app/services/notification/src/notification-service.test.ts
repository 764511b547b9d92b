import { randomUUID } from "node:crypto";
import { loadConfig } from "@parley/config";
import { eventsV1, notificationV1 } from "@parley/contracts";
import { deadLetterQueueOf, retryQueueOf, topologyNames } from "@parley/event-bus";
import { bearerMetadata, callUnary, createClient, openStream } from "@parley/grpc";
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
import { type AuthUnderTest, startAuthUnderTest } from "../../auth/src/test-support/auth-under-test";
import { type RunningNotification, startNotification } from "./app";
import { notificationConfigShape } from "./config";

const logger = createLogger({ service: "notification-test", level: "silent" });

describe("notification service (real PostgreSQL, RabbitMQ and auth)", () => {
  const authSchema = uniqueName("ntest_auth");
  const schema = uniqueName("ntest_notification");
  const namespace = uniqueName("ntest");
  const names = topologyNames(namespace);
  const queue = names.consumerQueue("notification");
  let auth: AuthUnderTest;
  let service: RunningNotification;
  let client: notificationV1.NotificationServiceClient;
  let admin: Awaited<ReturnType<typeof openTestChannel>>;

  const newUser = () => auth.register("u");

  function publishMessageSent(
    recipientIds: string[],
    eventId: string = randomUUID(),
    senderId: string = randomUUID(),
  ) {
    const payload = eventsV1.MessageSent.encode({
      messageId: randomUUID(),
      conversationId: randomUUID(),
      senderId,
      recipientIds,
      preview: "hi",
      sentAt: new Date(),
    }).finish();
    return publishRawEvent(admin.channel, names.events, "message.sent", payload, { eventId });
  }

  const list = async (token: string) =>
    callUnary(
      client,
      "listNotifications",
      { pageSize: 100, pageToken: "" },
      { metadata: bearerMetadata(token) },
    );
  const received = async (token: string) =>
    (await list(token)).notifications.filter((n) => n.detail?.$case === "messageReceived");

  beforeAll(async () => {
    auth = await startAuthUnderTest({ schema: authSchema, namespace, logger });
    const common = {
      DATABASE_URL: testDatabaseUrl,
      AMQP_URL: testAmqpUrl,
      AMQP_NAMESPACE: namespace,
      GRPC_PORT: "0",
      ADMIN_PORT: "0",
    };
    service = await startNotification(
      loadConfig(notificationConfigShape, {
        ...common,
        DATABASE_SCHEMA: schema,
        AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
        MESSAGING_GRPC_URL: "127.0.0.1:1",
        CONSUMER_MAX_ATTEMPTS: "3",
        STREAM_HEARTBEAT_SECONDS: "1",
      }),
      logger,
    );
    client = createClient(notificationV1.NotificationServiceClient, `127.0.0.1:${service.grpcPort}`);
    admin = await openTestChannel();
    expect(
      await eventually(async () => (await queueStats(admin.connection, queue))?.consumerCount === 1),
    ).toBe(true);
  });

  afterAll(async () => {
    client.close();
    await service.stop();
    await auth.stop();
    await deleteTopology(
      admin.channel,
      [queue, retryQueueOf(queue), deadLetterQueueOf(queue)],
      [names.events, names.deadLetters, names.live],
    );
    await admin.connection.close();
    await dropSchemas(authSchema, schema);
  });

  it("when a user registers and signs in, then they get a welcome and a new-sign-in notification", async () => {
    const user = await newUser();
    expect(
      await eventually(async () =>
        (await list(user.token)).notifications.some(
          (n) => n.kind === notificationV1.NotificationKind.NOTIFICATION_KIND_WELCOME,
        ),
      ),
    ).toBe(true);
  });

  it("when a message.sent event is delivered twice, then each recipient has one notification, and the sender none", async () => {
    const [bob, cyd, sender] = [await newUser(), await newUser(), await newUser()];
    const eventId = publishMessageSent([bob.id, cyd.id], undefined, sender.id);
    expect(
      await eventually(
        async () => (await received(bob.token)).length === 1 && (await received(cyd.token)).length === 1,
      ),
    ).toBe(true);
    publishMessageSent([bob.id, cyd.id], eventId, sender.id);
    publishMessageSent([bob.id]);
    expect(await eventually(async () => (await received(bob.token)).length === 2)).toBe(true);
    expect(await received(cyd.token)).toHaveLength(1);
    expect(await received(sender.token)).toHaveLength(0);
  });

  it("when an event keeps failing, then it lands in the dead-letter queue after the configured attempts and the queue keeps flowing", async () => {
    const bob = await newUser();
    const poisonId = publishMessageSent(["not-a-uuid"]);
    publishMessageSent([bob.id]);
    expect(await eventually(async () => (await received(bob.token)).length === 1)).toBe(true);
    expect(
      await eventually(
        async () => (await queueStats(admin.connection, deadLetterQueueOf(queue)))?.messageCount === 1,
        15_000,
      ),
    ).toBe(true);
    const dead = await admin.channel.get(deadLetterQueueOf(queue), { noAck: true });
    expect(dead && dead.properties.headers?.["event-id"]).toBe(poisonId);
    expect(dead && dead.properties.headers?.["x-attempt"]).toBe(3);
  });

  it("when a stream is opened after some notifications, then it replays them after the given sequence and then streams new ones", async () => {
    const bob = await newUser();
    publishMessageSent([bob.id]);
    publishMessageSent([bob.id]);
    expect(await eventually(async () => (await received(bob.token)).length === 2)).toBe(true);
    const all = (await list(bob.token)).notifications.map((n) => Number(n.sequence)).sort((a, b) => a - b);
    const stream = openStream(
      client,
      client.subscribe,
      { afterSequence: String(all[0]) },
      { metadata: bearerMetadata(bob.token) },
    );
    const seen: number[] = [];
    let heartbeats = 0;
    stream.on("data", (message: notificationV1.SubscribeResponse) => {
      if (message.event?.$case === "notification") seen.push(Number(message.event.value.sequence));
      else heartbeats += 1;
    });
    stream.on("error", () => undefined);
    expect(await eventually(() => seen.length === all.length - 1)).toBe(true);
    publishMessageSent([bob.id]);
    expect(await eventually(() => seen.length === all.length)).toBe(true);
    expect(seen).toEqual(Array.from({ length: all.length }, (_, i) => all[0]! + 1 + i));
    expect(await eventually(() => heartbeats > 0, 3000)).toBe(true);
    stream.cancel();
  });
});
