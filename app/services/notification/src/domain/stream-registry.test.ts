import { randomUUID } from "node:crypto";
import type { ServiceDatabase } from "@parley/database";
import type { NotificationStore } from "../data-access/notification-store";
import { type OpenStream, createStreamRegistry } from "./stream-registry";
import {
  type NotificationTestDatabase,
  openNotificationTestDatabase,
} from "../test-support/notification-database";

// Long enough that the registry's own timer never fires during a test: the tests beat by hand.
const HEARTBEAT_SECONDS = 600;

interface FakeStream extends OpenStream {
  beats: number[];
  failures: unknown[];
}

const fakeStream = (userId: string): FakeStream => {
  const stream: FakeStream = {
    id: randomUUID(),
    userId,
    beats: [],
    failures: [],
    heartbeat: (committed) => stream.beats.push(committed),
    fail: (error) => stream.failures.push(error),
  };
  return stream;
};

describe("stream registry: one heartbeat for every open stream (real PostgreSQL)", () => {
  let test: NotificationTestDatabase;
  let db: ServiceDatabase;
  let store: NotificationStore;

  beforeAll(async () => {
    test = await openNotificationTestDatabase("nstreams_test");
    ({ db, store } = test);
  });

  afterAll(() => test.close());

  afterEach(() => jest.restoreAllMocks());

  const leaseSecondsLeft = async (streamIds: string[]) =>
    (
      await db.query<{ left: number }>(
        `SELECT extract(epoch FROM expires_at - now())::float AS left FROM live_streams WHERE id = ANY($1::uuid[])`,
        [streamIds],
      )
    ).map((row) => row.left);
  const lastSeen = async (userId: string) => (await store.presence([userId]))[0]!.lastSeenAt!.getTime();
  const backdate = async (streamIds: string[], userIds: string[]) => {
    await db.query(
      `UPDATE live_streams SET expires_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`,
      [streamIds],
    );
    await db.query(
      `UPDATE presence SET last_seen_at = now() - interval '1 hour' WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    );
  };
  /** Commits a notification as the consumer does: the user's cursor moves in the same statement. */
  const commitNotification = (userId: string) =>
    db.query(
      `WITH bumped AS (
         INSERT INTO notification_cursors (user_id, last_sequence) VALUES ($1, 1)
         ON CONFLICT (user_id) DO UPDATE SET last_sequence = notification_cursors.last_sequence + 1
         RETURNING last_sequence
       )
       INSERT INTO notifications (id, user_id, sequence, kind, detail, source_event_id, occurred_at)
       SELECT gen_random_uuid(), $1, last_sequence, 'welcome', '{}', gen_random_uuid(), now() FROM bumped`,
      [userId],
    );

  it("when a stream opens, then its lease lasts three heartbeats and its user is online", async () => {
    const registry = createStreamRegistry(store, HEARTBEAT_SECONDS);
    const stream = fakeStream(randomUUID());
    await registry.open(stream);
    const [left] = await leaseSecondsLeft([stream.id]);
    expect(left).toBeGreaterThan(3 * HEARTBEAT_SECONDS - 60);
    expect(left).toBeLessThanOrEqual(3 * HEARTBEAT_SECONDS);
    expect((await store.presence([stream.userId]))[0]!.online).toBe(true);
    await registry.close(stream);
  });

  it("when the heartbeat runs, then one statement renews every open stream's lease, one every user's presence, and each stream beats once", async () => {
    const registry = createStreamRegistry(store, HEARTBEAT_SECONDS);
    const [ada, bob] = [randomUUID(), randomUUID()];
    const streams = [fakeStream(ada), fakeStream(ada), fakeStream(bob)];
    for (const stream of streams) await registry.open(stream);
    const ids = streams.map((stream) => stream.id);
    await backdate(ids, [ada, bob]);
    expect((await store.presence([ada, bob])).map((p) => p.online)).toEqual([false, false]);
    const renew = jest.spyOn(store, "renewStreams");
    const cursors = jest.spyOn(store, "lastSequences");

    const before = Date.now() - 60_000;
    await registry.beat();

    expect(renew).toHaveBeenCalledTimes(1);
    expect(renew.mock.calls[0]![0]).toEqual(ids);
    expect(renew.mock.calls[0]![1]).toEqual([ada, bob]);
    expect(cursors).toHaveBeenCalledTimes(1);
    for (const left of await leaseSecondsLeft(ids)) expect(left).toBeGreaterThan(3 * HEARTBEAT_SECONDS - 60);
    expect((await store.presence([ada, bob])).map((p) => p.online)).toEqual([true, true]);
    expect(await lastSeen(ada)).toBeGreaterThan(before);
    expect(await lastSeen(bob)).toBeGreaterThan(before);
    expect(streams.map((stream) => stream.beats.length)).toEqual([1, 1, 1]);
    for (const stream of streams) await registry.close(stream);
  });

  it("when the heartbeat runs, then each stream learns its user's last committed sequence (0 without any)", async () => {
    const registry = createStreamRegistry(store, HEARTBEAT_SECONDS);
    const [ada, bob] = [randomUUID(), randomUUID()];
    const streams = [fakeStream(ada), fakeStream(bob)];
    for (const stream of streams) await registry.open(stream);
    await commitNotification(ada);
    await commitNotification(ada);
    await registry.beat();
    expect(streams.map((stream) => stream.beats)).toEqual([[2], [0]]);
    for (const stream of streams) await registry.close(stream);
  });

  it("when a stream is closed, then its row is gone and the heartbeat neither renews it nor beats it", async () => {
    const registry = createStreamRegistry(store, HEARTBEAT_SECONDS);
    const user = randomUUID();
    const [kept, closed] = [fakeStream(user), fakeStream(user)];
    await registry.open(kept);
    await registry.open(closed);
    await registry.close(closed);
    const renew = jest.spyOn(store, "renewStreams");

    await registry.beat();

    expect(renew.mock.calls.map(([ids]) => ids)).toEqual([[kept.id]]);
    expect(await leaseSecondsLeft([closed.id])).toEqual([]);
    expect([kept.beats.length, closed.beats.length]).toEqual([1, 0]);
    await registry.close(kept);
    expect((await store.presence([user]))[0]!.online).toBe(false);
  });

  it("when the heartbeat's statements fail, then the streams fail with the error and do not beat", async () => {
    const registry = createStreamRegistry(store, HEARTBEAT_SECONDS);
    const stream = fakeStream(randomUUID());
    await registry.open(stream);
    const refused = new Error("connection refused");
    jest.spyOn(store, "renewStreams").mockRejectedValueOnce(refused);
    await registry.beat();
    expect(stream.failures).toEqual([refused]);
    expect(stream.beats).toEqual([]);
    await registry.close(stream);
  });
});

describe("stream registry: many streams", () => {
  it("when 12 000 streams are open, then a heartbeat takes three statements per 5 000 and beats each stream once", async () => {
    const calls: string[] = [];
    const store = {
      openStream: async () => undefined,
      closeStream: async () => undefined,
      renewStreams: async (ids: string[], userIds: string[]) => {
        calls.push(`leases ${ids.length}`, `presence ${userIds.length}`);
      },
      lastSequences: async (userIds: string[]) => {
        calls.push(`cursors ${userIds.length}`);
        return new Map<string, number>();
      },
    } as unknown as NotificationStore;
    const registry = createStreamRegistry(store, HEARTBEAT_SECONDS);
    const users = Array.from({ length: 100 }, () => randomUUID());
    const streams = Array.from({ length: 12_000 }, (_, i) => fakeStream(users[i % users.length]!));
    for (const stream of streams) await registry.open(stream);

    await registry.beat();

    expect(calls).toEqual([
      "leases 5000",
      "presence 100",
      "cursors 100",
      "leases 5000",
      "presence 100",
      "cursors 100",
      "leases 2000",
      "presence 100",
      "cursors 100",
    ]);
    expect(streams.every((stream) => stream.beats.length === 1)).toBe(true);
    for (const stream of streams) await registry.close(stream);
  });
});
