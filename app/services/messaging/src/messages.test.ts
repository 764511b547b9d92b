import { eventsV1 } from "@parley/contracts";
import { callUnary } from "@parley/grpc";
import { eventually } from "@parley/test-support";
import { createMessagingStore } from "./data-access/messaging-store";
import { sendMessage } from "./domain/send-message";
import {
  type MessagingUnderTest,
  type TestUser,
  startMessagingUnderTest,
} from "./test-support/messaging-under-test";

describe("messaging service: sending and listing messages", () => {
  let m: MessagingUnderTest;
  let ada: TestUser;
  let bob: TestUser;
  let cyd: TestUser;
  let events: Awaited<ReturnType<MessagingUnderTest["watchMessageSent"]>>;
  let keys = 0;
  const nextKey = () => `key-${Date.now()}-${(keys += 1)}`;

  beforeAll(async () => {
    m = await startMessagingUnderTest();
    [ada, bob, cyd] = (await m.registerMany(3, "msg")) as [TestUser, TestUser, TestUser];
    events = await m.watchMessageSent();
  });

  afterAll(() => m.stop());

  const group = async (...members: TestUser[]) =>
    (
      await callUnary(
        m.client,
        "createGroupConversation",
        { title: "Chat", memberIds: members.map((u) => u.id) },
        m.as(ada),
      )
    ).conversation!.id;
  const send = (from: TestUser, conversationId: string, body: string, idempotencyKey = nextKey()) =>
    callUnary(m.client, "sendMessage", { conversationId, body, idempotencyKey }, m.as(from));
  const list = (as: TestUser, conversationId: string, limit = 0, before = "") =>
    callUnary(m.client, "listMessages", { conversationId, limit, before }, m.as(as));
  const eventsOf = (conversationId: string) =>
    events.messages
      .map((message) => ({ message, payload: eventsV1.MessageSent.decode(message.content) }))
      .filter(({ payload }) => payload.conversationId === conversationId);
  /**
   * The conversation's events once `count` arrived and then a marker sent after them: the relay
   * publishes in commit order, so any extra event of the conversation would be here by then.
   */
  const settledEventsOf = async (conversationId: string, count: number) => {
    await eventually(() => eventsOf(conversationId).length >= count, 5000);
    const markers = await group(bob);
    await send(ada, markers, "marker");
    expect(await eventually(() => eventsOf(markers).length === 1, 5000)).toBe(true);
    return eventsOf(conversationId);
  };
  const seqs = async (conversationId: string) =>
    new Map(
      (
        await m.db.query<{ id: string; seq: number }>(
          `SELECT id, seq::int AS seq FROM messages WHERE conversation_id = $1`,
          [conversationId],
        )
      ).map((row) => [row.id, row.seq]),
    );

  describe("size and encoding of the body", () => {
    let chat: string;
    beforeAll(async () => {
      chat = await group(bob);
    });

    it("when the body is 4000 emoji, then it is accepted and comes back unchanged", async () => {
      const body = "😀".repeat(4000);
      const { message, created } = await send(ada, chat, body);
      expect(created).toBe(true);
      expect(message?.body).toBe(body);
      expect((await list(bob, chat, 1)).messages[0]?.body).toBe(body);
    });

    it.each([
      ["4001 emoji", "😀".repeat(4001)],
      ["4001 letters", "x".repeat(4001)],
      ["empty", ""],
      ["only white space", " \t\n\u00a0\u3000"],
      ["holding a NUL character", "before\u0000after"],
    ])("when the body is %s, then INVALID_ARGUMENT and nothing is sent", async (_case, body) => {
      const before = (await list(bob, chat, 100)).messages.length;
      await expect(send(ada, chat, body)).rejects.toMatchObject({
        kind: "invalid_argument",
        message: expect.stringContaining("body"),
      });
      expect((await list(bob, chat, 100)).messages.length).toBe(before);
    });

    it("when the body holds a lone surrogate, then the use case refuses it (gRPC's UTF-8 codec would turn it into U+FFFD first)", async () => {
      const deps = {
        store: createMessagingStore(m.db, () => Promise.reject(new Error("not used"))),
        users: { existing: () => Promise.reject(new Error("not used")) },
      };
      await expect(
        sendMessage(
          deps,
          { userId: ada.id },
          {
            conversationId: chat,
            body: "broken \ud83d half",
            idempotencyKey: nextKey(),
          },
        ),
      ).rejects.toMatchObject({ kind: "invalid_argument", message: "body must be valid Unicode text." });
      const sent = await send(ada, chat, "broken \ud83d half");
      expect(sent.message?.body).toBe("broken \ufffd half");
    });

    it.each([
      ["empty", ""],
      ["129 characters", "k".repeat(129)],
      ["holding a space", "two words"],
      ["not ASCII", "ключ"],
    ])("when the idempotency key is %s, then INVALID_ARGUMENT", async (_case, key) => {
      await expect(send(ada, chat, "hello", key)).rejects.toMatchObject({
        kind: "invalid_argument",
        message: expect.stringContaining("idempotency_key"),
      });
    });
  });

  describe("idempotent sending", () => {
    it("when the same key is sent twice, then one message, created false, and exactly one message.sent event", async () => {
      const chat = await group(bob);
      const key = nextKey();
      const first = await send(ada, chat, "only once", key);
      const second = await send(ada, chat, "only once", key);
      expect(first.created).toBe(true);
      expect(second).toEqual({ message: first.message, created: false });
      expect((await list(bob, chat)).messages.map((x) => x.id)).toEqual([first.message!.id]);
      const published = await settledEventsOf(chat, 1);
      expect(published.map((e) => e.payload.messageId)).toEqual([first.message!.id]);
    });

    it("when the same key is sent many times at once, then still one message and one event", async () => {
      const chat = await group(bob);
      const key = nextKey();
      const answers = await Promise.all(Array.from({ length: 6 }, () => send(ada, chat, "burst", key)));
      expect(answers.filter((a) => a.created)).toHaveLength(1);
      expect(new Set(answers.map((a) => a.message!.id)).size).toBe(1);
      expect(await settledEventsOf(chat, 1)).toHaveLength(1);
      expect([...(await seqs(chat)).values()]).toEqual([1]);
    });

    it("when a key is reused for another body or another conversation, then FAILED_PRECONDITION", async () => {
      const chat = await group(bob);
      const other = await group(cyd);
      const key = nextKey();
      await send(ada, chat, "the original", key);
      const expected = {
        kind: "failed_precondition",
        message: "Idempotency key already used for a different message.",
      };
      await expect(send(ada, chat, "something else", key)).rejects.toMatchObject(expected);
      await expect(send(ada, other, "the original", key)).rejects.toMatchObject(expected);
      // Keys are per sender: another member may use the same one.
      await expect(send(bob, chat, "the original", key)).resolves.toMatchObject({ created: true });
      // No number was spent on the refused repeats.
      expect([...(await seqs(chat)).values()].sort()).toEqual([1, 2]);
    });

    it("when two conversations race for one key, then one message wins and the other call is refused", async () => {
      const chat = await group(bob);
      const other = await group(cyd);
      const key = nextKey();
      const outcomes = await Promise.allSettled([
        send(ada, chat, "race", key),
        send(ada, other, "race", key),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
      expect(outcomes.find((o) => o.status === "rejected")).toMatchObject({
        reason: { kind: "failed_precondition" },
      });
      // The loser's transaction rolled back: neither conversation skipped a number.
      expect([...(await seqs(chat)).values(), ...(await seqs(other)).values()]).toEqual([1]);
    });
  });

  describe("listing messages", () => {
    it("when paging newest first while another member keeps sending, then every earlier message is seen once, in strictly descending order", async () => {
      const chat = await group(bob);
      const existing: string[] = [];
      for (let i = 0; i < 60; i += 1) existing.push((await send(ada, chat, `m${i}`)).message!.id);

      let writing = true;
      let written = 0;
      const writer = (async () => {
        for (let i = 0; writing && i < 500; i += 1) {
          await send(bob, chat, `new ${i}`);
          written += 1;
        }
      })();
      const seen: string[] = [];
      let before = "";
      let pages = 0;
      do {
        // At least one new message lands before each page: the inserts really interleave.
        await eventually(() => written > pages, 5000, 2);
        const page = await list(ada, chat, 7, before);
        seen.push(...page.messages.map((x) => x.id));
        before = page.nextCursor;
        pages += 1;
      } while (before !== "");
      writing = false;
      await writer;

      const seqOf = await seqs(chat);
      const order = seen.map((id) => seqOf.get(id)!);
      expect(order.every((seq, i) => i === 0 || seq < order[i - 1]!)).toBe(true);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => existing.includes(id))).toEqual([...existing].reverse());
      expect(seqOf.size).toBeGreaterThanOrEqual(existing.length + pages);
    });

    it("when limit is 0, then pages hold 50; when the last page is reached, then next_cursor is empty", async () => {
      const chat = await group(bob);
      for (let i = 0; i < 55; i += 1) await send(bob, chat, `n${i}`);
      const first = await list(ada, chat);
      expect(first.messages).toHaveLength(50);
      expect(first.messages[0]?.body).toBe("n54");
      const second = await list(ada, chat, 0, first.nextCursor);
      expect(second.messages.map((x) => x.body)).toEqual(["n4", "n3", "n2", "n1", "n0"]);
      expect(second.nextCursor).toBe("");
      const exact = await list(ada, chat, 5, first.nextCursor);
      expect(exact.nextCursor).toBe("");
    });

    it.each([
      ["a limit of 101", { limit: 101, before: "" }],
      ["a negative limit", { limit: -1, before: "" }],
      ["a cursor that is not base64url", { limit: 0, before: "%%%" }],
      ["a cursor we never issued", { limit: 0, before: Buffer.from("m:0").toString("base64url") }],
      ["a cursor of another shape", { limit: 0, before: Buffer.from('{"seq":3}').toString("base64url") }],
    ])("when asked with %s, then INVALID_ARGUMENT", async (_case, page) => {
      const chat = await group(bob);
      await expect(
        callUnary(m.client, "listMessages", { conversationId: chat, ...page }, m.as(ada)),
      ).rejects.toMatchObject({ kind: "invalid_argument" });
    });
  });

  describe("message.sent events through the outbox", () => {
    it("when a message is sent, then its event names every other member and the first 100 code points", async () => {
      const chat = await group(bob, cyd);
      const body = `${"🙂".repeat(99)}xyz and more`;
      const { message } = await send(bob, chat, body);
      const published = await settledEventsOf(chat, 1);
      expect(published).toHaveLength(1);
      const { message: delivery, payload } = published[0]!;
      expect(payload).toEqual({
        messageId: message!.id,
        conversationId: chat,
        senderId: bob.id,
        recipientIds: [ada.id, cyd.id],
        preview: `${"🙂".repeat(99)}x`,
        sentAt: message!.sentAt,
      });
      expect(delivery.fields.routingKey).toBe("message.sent");
      expect(delivery.properties.headers).toMatchObject({
        "event-type": "message.sent",
        "event-version": "1",
      });
    });

    it("when the send's transaction fails after the message was written, then nothing is published or kept", async () => {
      const chat = await group(bob);
      await send(ada, chat, "before");
      const schema = m.messagingSchema;
      // The outbox insert is the send's last statement: failing it must undo the message and its number.
      await m.db.query(`
        CREATE FUNCTION "${schema}".refuse_marked_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF position(convert_to('FAIL-THIS-SEND', 'UTF8') IN NEW.payload) > 0 THEN
            RAISE EXCEPTION 'refused by the test';
          END IF;
          RETURN NEW;
        END $$`);
      await m.db.query(
        `CREATE TRIGGER refuse_marked_event BEFORE INSERT ON "${schema}".outbox
           FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_marked_event()`,
      );
      try {
        await expect(send(ada, chat, "FAIL-THIS-SEND")).rejects.toMatchObject({ kind: "internal" });
        const { message: after } = await send(ada, chat, "after");
        const published = await settledEventsOf(chat, 2);
        expect(published.map((e) => e.payload.preview)).toEqual(["before", "after"]);
        expect((await list(bob, chat)).messages.map((x) => x.body)).toEqual(["after", "before"]);
        expect((await seqs(chat)).get(after!.id)).toBe(2);
      } finally {
        await m.db.query(`DROP TRIGGER refuse_marked_event ON "${schema}".outbox`);
      }
    });
  });
});
