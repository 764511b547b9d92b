import { randomUUID } from "node:crypto";
import type { ServiceDatabase } from "@parley/database";
import { createLogger } from "@parley/logger";
import { eventually } from "@parley/test-support";
import type { LiveHub } from "../broker/live-hub";
import type { NotificationStore } from "../data-access/notification-store";
import type { NotificationRecord } from "../data-access/records";
import type { NotificationDependencies } from "./dependencies";
import { streamNotifications } from "./live-stream";
import { type StreamRegistry, createStreamRegistry } from "./stream-registry";
import {
  type NotificationTestDatabase,
  openNotificationTestDatabase,
} from "../test-support/notification-database";

const logger = createLogger({ service: "live-stream-test", level: "silent" });

/** A hub whose live messages the test hands out, or loses by not handing them out. */
function fakeHub() {
  const listeners = new Map<string, (record: NotificationRecord) => void>();
  const hub: LiveHub = {
    async subscribe(userId, listener) {
      listeners.set(userId, listener);
      return () => listeners.delete(userId);
    },
    publish: (record) => listeners.get(record.userId)?.(record),
  };
  return { hub, subscribed: (userId: string) => listeners.has(userId) };
}

describe("live stream heartbeats (real PostgreSQL, the registry's heartbeat run by hand)", () => {
  let test: NotificationTestDatabase;
  let db: ServiceDatabase;
  let store: NotificationStore;

  beforeAll(async () => {
    test = await openNotificationTestDatabase("nlive_test");
    ({ db, store } = test);
  });

  afterAll(() => test.close());

  afterEach(() => jest.restoreAllMocks());

  /** Commits a notification as the consumer does, without a live message. */
  const commitNotification = async (userId: string): Promise<NotificationRecord> => {
    const source = { eventId: randomUUID(), occurredAt: new Date(), traceContext: {} };
    const created = await db.transaction((query) =>
      store.insert(query, [{ source, items: [{ userId, detail: { kind: "welcome" } }] }]),
    );
    return created[0]![0]!;
  };

  /** Opens a stream for a new user; resolves once it is registered and its first catch-up is done. */
  async function openStream(registry: StreamRegistry) {
    const userId = randomUUID();
    const { hub, subscribed } = fakeHub();
    const deps: NotificationDependencies = {
      store,
      hub,
      sharedWith: async () => [],
      streams: registry,
    };
    const controller = new AbortController();
    const sent: number[] = [];
    let heartbeats = 0;
    const caller = { userId, sessionId: randomUUID(), accessToken: "" };
    const done = streamNotifications(deps, caller, "", {
      notification: async (record) => void sent.push(record.sequence),
      heartbeat: async () => void (heartbeats += 1),
      signal: controller.signal,
      logger,
    });
    expect(
      await eventually(async () => subscribed(userId) && (await store.presence([userId]))[0]!.online),
    ).toBe(true);
    return {
      userId,
      hub,
      sent,
      heartbeats: () => heartbeats,
      close: async () => {
        controller.abort();
        await done;
      },
    };
  }

  it("when a notification's live message is lost, then the stream sends it at the next heartbeat, once", async () => {
    const registry = createStreamRegistry(store, 600);
    const stream = await openStream(registry);
    await commitNotification(stream.userId);
    await commitNotification(stream.userId);
    expect(stream.sent).toEqual([]);

    await registry.beat();
    expect(await eventually(() => stream.sent.length === 2)).toBe(true);
    await registry.beat();
    expect(await eventually(() => stream.heartbeats() === 2)).toBe(true);

    expect(stream.sent).toEqual([1, 2]);
    await stream.close();
  });

  it("when a stream has sent everything committed, then its heartbeat reads no notifications", async () => {
    const registry = createStreamRegistry(store, 600);
    const stream = await openStream(registry);
    stream.hub.publish(await commitNotification(stream.userId));
    expect(await eventually(() => stream.sent.length === 1)).toBe(true);
    const after = jest.spyOn(store, "after");

    await registry.beat();
    expect(await eventually(() => stream.heartbeats() === 1)).toBe(true);

    expect(after).not.toHaveBeenCalled();
    expect(stream.sent).toEqual([1]);
    await stream.close();
  });

  it("when live messages arrive out of order around a heartbeat that catches up, then each notification is sent once, in order", async () => {
    const registry = createStreamRegistry(store, 600);
    const stream = await openStream(registry);
    const lost = await commitNotification(stream.userId);
    const live = await commitNotification(stream.userId);
    const beating = registry.beat();
    stream.hub.publish(live);
    stream.hub.publish(lost);
    await beating;
    expect(await eventually(() => stream.sent.length >= 2 && stream.heartbeats() === 1)).toBe(true);
    await registry.beat();
    expect(await eventually(() => stream.heartbeats() === 2)).toBe(true);

    expect(stream.sent).toEqual([1, 2]);
    await stream.close();
  });

  it("when a stream ends, then its lease is gone, its user is offline and the heartbeat leaves it alone", async () => {
    const registry = createStreamRegistry(store, 600);
    const stream = await openStream(registry);
    await stream.close();
    const renew = jest.spyOn(store, "renewStreams");

    await registry.beat();

    expect(renew).not.toHaveBeenCalled();
    expect(stream.heartbeats()).toBe(0);
    expect((await store.presence([stream.userId]))[0]!.online).toBe(false);
  });
});
