import { randomUUID } from "node:crypto";
import { eventsV1 } from "@parley/contracts";
import { type ServiceDatabase, openDatabase } from "@parley/database";
import { createLogger } from "@parley/logger";
import {
  deleteTopology,
  dropSchemas,
  eventually,
  openTestChannel,
  testAmqpUrl,
  testDatabaseUrl,
  uniqueName,
  watchExchange,
} from "@parley/test-support";
import { type BrokerConnection, createBrokerConnection } from "./broker-connection";
import { CreateOutbox1732600000000 } from "./outbox";
import { type OutboxRelay, startOutboxRelay } from "./outbox-relay";
import { topologyNames } from "./topology";

const logger = createLogger({ service: "relay-test", level: "silent" });

describe("outbox relay (real PostgreSQL and RabbitMQ)", () => {
  const schema = uniqueName("outbox_test");
  const names = topologyNames(uniqueName("relaytest"));
  let db: ServiceDatabase;
  let broker: BrokerConnection;
  let relays: OutboxRelay[] = [];
  let observer: Awaited<ReturnType<typeof openTestChannel>>;
  let watched: Awaited<ReturnType<typeof watchExchange>>;

  const registered = (username: string) => ({ userId: randomUUID(), username, registeredAt: new Date() });
  const pendingRows = async () =>
    Number(
      (await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`))[0]!.n,
    );

  beforeAll(async () => {
    db = await openDatabase({
      url: testDatabaseUrl,
      schema,
      poolSize: 6,
      migrations: [CreateOutbox1732600000000],
      applicationName: "relay-test",
      logger,
    });
    await db.migrate();
    broker = createBrokerConnection({ url: testAmqpUrl, clientName: "relay-test", logger });
    observer = await openTestChannel();
    watched = await watchExchange(observer.channel, names.events, ["#"]);
    relays = [startOutboxRelay({ db, broker, names, logger, pollIntervalMs: 50 })];
  });

  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    await broker.close();
    await deleteTopology(observer.channel, [], [names.events]);
    await observer.connection.close();
    await db.close();
    await dropSchemas(schema);
  });

  it("when a transaction that enqueued an event commits, then the event is published with its headers", async () => {
    const before = watched.messages.length;
    const eventId = await relays[0]!.transaction(({ enqueue }) =>
      enqueue("user.registered", registered("ada")),
    );
    const [message] = (await watched.waitFor(before + 1)).slice(before);
    expect(message?.fields.routingKey).toBe("user.registered");
    expect(message?.properties.messageId).toBe(eventId);
    expect(message?.properties.headers).toMatchObject({
      "event-id": eventId,
      "event-type": "user.registered",
      "event-version": "1",
      "occurred-at": expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(eventsV1.UserRegistered.decode(message!.content).username).toBe("ada");
    expect(await eventually(async () => (await pendingRows()) === 0)).toBe(true);
  });

  it("when the transaction rolls back, then its event is never published", async () => {
    const before = watched.messages.length;
    await expect(
      relays[0]!.transaction(async ({ enqueue }) => {
        await enqueue("user.registered", registered("ghost"));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    // Rows leave in id order, so the ghost, had it been written, would arrive before this marker.
    const committed = await relays[0]!.transaction(({ enqueue }) =>
      enqueue("user.registered", registered("after")),
    );
    await watched.waitFor(before + 1);
    const published = watched.messages
      .slice(before)
      .map((m) => eventsV1.UserRegistered.decode(m.content).username);
    expect(published).toEqual(["after"]);
    expect(watched.messages.slice(before)[0]?.properties.messageId).toBe(committed);
  });

  it("when one relay publishes many rows, then they leave in the order they were written", async () => {
    const before = watched.messages.length;
    const ids = await relays[0]!.transaction(async ({ enqueue }) => {
      const written: string[] = [];
      for (let i = 0; i < 120; i += 1) written.push(await enqueue("user.registered", registered(`o${i}`)));
      return written;
    });
    await watched.waitFor(before + 120);
    expect(watched.messages.slice(before).map((m) => String(m.properties.messageId))).toEqual(ids);
  });

  it("when two relays run at once, then each row is published exactly once", async () => {
    relays.push(startOutboxRelay({ db, broker, names, logger, pollIntervalMs: 20, batchSize: 25 }));
    const before = watched.messages.length;
    const ids = await relays[1]!.transaction(async ({ enqueue }) => {
      const written: string[] = [];
      for (let i = 0; i < 300; i += 1) written.push(await enqueue("user.registered", registered(`u${i}`)));
      return written;
    });
    await watched.waitFor(before + 300, 20_000);
    // A row is marked sent after its confirm; once none is pending, no relay can publish again, and
    // every duplicate is already in the observer's queue: a marker published now arrives after it.
    expect(await eventually(async () => (await pendingRows()) === 0, 20_000)).toBe(true);
    const marker = await relays[0]!.transaction(({ enqueue }) =>
      enqueue("user.registered", registered("marker")),
    );
    expect(await eventually(() => watched.messages.some((m) => m.properties.messageId === marker))).toBe(
      true,
    );
    const published = watched.messages
      .slice(before)
      .map((m) => String(m.properties.messageId))
      .filter((id) => id !== marker);
    expect(published).toHaveLength(300);
    expect(new Set(published)).toEqual(new Set(ids));
  });

  it("when the broker is unreachable, then rows wait in the outbox and the backlog reports them; then they drain", async () => {
    for (const relay of relays) await relay.stop();
    const offline = createBrokerConnection({
      url: "amqp://guest:guest@127.0.0.1:1",
      clientName: "offline",
      logger,
    });
    const stuck = startOutboxRelay({ db, broker: offline, names, logger, pollIntervalMs: 20 });
    const before = watched.messages.length;
    await stuck.transaction(({ enqueue }) =>
      enqueue("user.registered", registered("waiting"), new Date(Date.now() - 5000)),
    );
    const backlog = await stuck.backlog();
    expect(backlog.pending).toBe(1);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(5);
    expect(watched.messages.length).toBe(before);
    await stuck.stop();
    await offline.close();

    relays = [startOutboxRelay({ db, broker, names, logger, pollIntervalMs: 20 })];
    await watched.waitFor(before + 1);
    expect(await eventually(async () => (await relays[0]!.backlog()).pending === 0)).toBe(true);
    expect(await relays[0]!.backlog()).toEqual({ pending: 0, oldestAgeSeconds: 0 });
  });
});
