import { randomUUID } from "node:crypto";
import type { ServiceDatabase } from "@parley/database";
import type { NotificationStore } from "./notification-store";
import type { NotificationSource } from "./records";
import {
  type NotificationTestDatabase,
  openNotificationTestDatabase,
} from "../test-support/notification-database";

describe("notification store, a batch of events (real PostgreSQL)", () => {
  let test: NotificationTestDatabase;
  let db: ServiceDatabase;
  let store: NotificationStore;

  beforeAll(async () => {
    test = await openNotificationTestDatabase("nstore_test");
    ({ db, store } = test);
  });

  afterAll(() => test.close());

  const source = (): NotificationSource => ({
    eventId: randomUUID(),
    occurredAt: new Date("2026-12-03T10:00:00Z"),
    traceContext: { traceparent: `00-${"a".repeat(32)}-${"b".repeat(16)}-01` },
  });

  it("when events of one batch notify the same users, then each user's sequences follow the events' order", async () => {
    const [ada, grace, linus] = [randomUUID(), randomUUID(), randomUUID()];
    await db.transaction((query) =>
      store.insert(query, [{ source: source(), items: [{ userId: ada, detail: { kind: "welcome" } }] }]),
    );
    const events = [source(), source(), source()];
    const message = (index: number) =>
      ({
        kind: "message_received",
        conversationId: randomUUID(),
        messageId: randomUUID(),
        senderId: linus,
        preview: String(index),
      }) as const;

    const created = await db.transaction((query) =>
      store.insert(query, [
        {
          source: events[0]!,
          items: [
            { userId: grace, detail: message(0) },
            { userId: ada, detail: message(0) },
          ],
        },
        { source: events[1]!, items: [] },
        {
          source: events[2]!,
          items: [
            { userId: ada, detail: message(2) },
            { userId: grace, detail: message(2) },
          ],
        },
      ]),
    );

    const seen = (records: typeof created) =>
      records
        .flat()
        .map((r) => [
          r.userId === ada ? "ada" : "grace",
          r.sequence,
          (r.detail as { preview: string }).preview,
        ])
        .sort();
    expect(created.map((records) => records.length)).toEqual([2, 0, 2]);
    expect(seen([created[0]!])).toEqual([
      ["ada", 2, "0"],
      ["grace", 1, "0"],
    ]);
    expect(seen([created[2]!])).toEqual([
      ["ada", 3, "2"],
      ["grace", 2, "2"],
    ]);
    expect(created[2]![0]!.traceContext).toEqual(events[2]!.traceContext);
    expect((await store.after(ada, 0, 10)).map((r) => r.sequence)).toEqual([1, 2, 3]);
    expect((await store.after(grace, 0, 10)).map((r) => r.detail.kind)).toEqual([
      "message_received",
      "message_received",
    ]);
  });

  it("when a batch calls for no notification, then it writes nothing", async () => {
    const created = await db.transaction((query) => store.insert(query, [{ source: source(), items: [] }]));
    expect(created).toEqual([[]]);
  });
});
