import { randomUUID } from "node:crypto";
import { callUnary } from "@parley/grpc";
import {
  type MessagingUnderTest,
  type TestUser,
  startMessagingUnderTest,
} from "./test-support/messaging-under-test";

describe("messaging service: conversation lists, unread counts and read markers", () => {
  let m: MessagingUnderTest;

  beforeAll(async () => {
    m = await startMessagingUnderTest();
  });

  afterAll(() => m.stop());

  let keys = 0;
  const send = (from: TestUser, conversationId: string, body: string) =>
    callUnary(
      m.client,
      "sendMessage",
      { conversationId, body, idempotencyKey: `c-${(keys += 1)}` },
      m.as(from),
    ).then((r) => r.message!);
  const createGroup = async (creator: TestUser, members: TestUser[], title: string) =>
    (
      await callUnary(
        m.client,
        "createGroupConversation",
        { title, memberIds: members.map((u) => u.id) },
        m.as(creator),
      )
    ).conversation!.id;
  const listAll = (as: TestUser, pageSize = 0, pageToken = "") =>
    callUnary(m.client, "listConversations", { pageSize, pageToken }, m.as(as));
  const unreadIn = async (as: TestUser, conversationId: string) =>
    (await callUnary(m.client, "getConversation", { conversationId }, m.as(as))).conversation!.unreadCount;

  it("when conversations have activity, then the most recent comes first with its unread count and last message", async () => {
    const [ada, bob, cyd] = await m.registerMany(3, "list");
    const quiet = await createGroup(ada!, [bob!], "quiet");
    const busy = await createGroup(ada!, [bob!, cyd!], "busy");
    const { conversation: direct } = await callUnary(
      m.client,
      "getOrCreateDirectConversation",
      { userId: cyd!.id },
      m.as(ada!),
    );
    await send(bob!, busy, "one");
    await send(cyd!, busy, "two");
    await send(ada!, busy, "mine");
    const last = await send(bob!, busy, "three");

    const { conversations, nextPageToken } = await listAll(ada!);
    expect(nextPageToken).toBe("");
    expect(conversations.map((s) => s.conversation!.id)).toEqual([busy, direct!.id, quiet]);
    const [busySummary, directSummary, quietSummary] = conversations;
    // Ada's own message does not count as unread.
    expect(busySummary).toEqual({
      conversation: expect.objectContaining({ title: "busy", memberIds: [ada!.id, bob!.id, cyd!.id] }),
      unreadCount: 3,
      lastMessage: last,
    });
    expect(directSummary).toMatchObject({ unreadCount: 0, lastMessage: undefined });
    expect(quietSummary).toMatchObject({ unreadCount: 0, lastMessage: undefined });

    // A message in the quiet group moves it to the top.
    await send(bob!, quiet, "wake up");
    expect((await listAll(ada!)).conversations.map((s) => s.conversation!.id)).toEqual([
      quiet,
      busy,
      direct!.id,
    ]);
  });

  it("when a conversation is fetched alone, then it is the same summary the list shows", async () => {
    const [ada, bob] = await m.registerMany(2, "one");
    const chat = await createGroup(ada!, [bob!], "alone");
    await send(bob!, chat, "hi");
    const { conversations } = await listAll(ada!);
    const { conversation } = await callUnary(
      m.client,
      "getConversation",
      { conversationId: chat },
      m.as(ada!),
    );
    expect(conversation).toEqual(conversations[0]);
  });

  it("when a member reads up to a message, then the unread count drops to what came after, and never goes back", async () => {
    const [ada, bob] = await m.registerMany(2, "read");
    const chat = await createGroup(ada!, [bob!], "reading");
    const sent = [];
    for (let i = 0; i < 5; i += 1) sent.push(await send(ada!, chat, `m${i}`));
    expect(await unreadIn(bob!, chat)).toBe(5);

    const markRead = (messageId: string) =>
      callUnary(m.client, "markRead", { conversationId: chat, messageId }, m.as(bob!));
    await expect(markRead(sent[2]!.id)).resolves.toEqual({ unreadCount: 2 });
    expect(await unreadIn(bob!, chat)).toBe(2);
    await expect(markRead(sent[0]!.id)).resolves.toEqual({ unreadCount: 2 });
    await expect(markRead(sent[4]!.id)).resolves.toEqual({ unreadCount: 0 });
    await send(ada!, chat, "later");
    expect(await unreadIn(bob!, chat)).toBe(1);
    // Ada's read marker is her own.
    expect(await unreadIn(ada!, chat)).toBe(0);
  });

  it("when the message is not in that conversation, then marking read is NOT_FOUND", async () => {
    const [ada, bob] = await m.registerMany(2, "wrong");
    const chat = await createGroup(ada!, [bob!], "here");
    const elsewhere = await createGroup(ada!, [bob!], "there");
    const message = await send(ada!, elsewhere, "not here");
    await expect(
      callUnary(m.client, "markRead", { conversationId: chat, messageId: message.id }, m.as(bob!)),
    ).rejects.toMatchObject({ kind: "not_found", message: "No such message." });
    await expect(
      callUnary(m.client, "markRead", { conversationId: chat, messageId: randomUUID() }, m.as(bob!)),
    ).rejects.toMatchObject({ kind: "not_found" });
  });

  it("when the list is paged, then every conversation is seen once, in order, and the last token is empty", async () => {
    const [ada, ...others] = await m.registerMany(8, "page");
    const ids: string[] = [];
    for (const [i, other] of others.entries()) ids.push(await createGroup(ada!, [other], `g${i}`));
    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await listAll(ada!, 3, pageToken);
      expect(page.conversations.length).toBeLessThanOrEqual(3);
      seen.push(...page.conversations.map((s) => s.conversation!.id));
      pageToken = page.nextPageToken;
      pages += 1;
    } while (pageToken !== "");
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it.each([
    ["a page size of 101", { pageSize: 101, pageToken: "" }],
    ["a token we never issued", { pageSize: 0, pageToken: "bm90IGEgdG9rZW4" }],
    ["a message cursor as token", { pageSize: 0, pageToken: Buffer.from("m:5").toString("base64url") }],
  ])("when asked with %s, then INVALID_ARGUMENT", async (_case, request) => {
    const [ada] = await m.registerMany(1, "bad");
    await expect(callUnary(m.client, "listConversations", request, m.as(ada!))).rejects.toMatchObject({
      kind: "invalid_argument",
    });
  });

  it("when shared conversations are checked, then only users in a conversation with the caller come back, in the order asked", async () => {
    const [ada, bob, cyd, dan, eve] = await m.registerMany(5, "share");
    await createGroup(bob!, [ada!, cyd!], "abc");
    await callUnary(m.client, "getOrCreateDirectConversation", { userId: dan!.id }, m.as(ada!));
    await createGroup(eve!, [bob!], "eve and bob");
    const { userIds } = await callUnary(
      m.client,
      "checkSharedConversations",
      { userIds: [eve!.id, dan!.id, randomUUID(), cyd!.id, bob!.id, dan!.id] },
      m.as(ada!),
    );
    expect(userIds).toEqual([dan!.id, cyd!.id, bob!.id]);
  });

  it("when shared conversations are checked with no ids or more than 100, then INVALID_ARGUMENT", async () => {
    const [ada] = await m.registerMany(1, "limits");
    await expect(
      callUnary(m.client, "checkSharedConversations", { userIds: [] }, m.as(ada!)),
    ).rejects.toMatchObject({ kind: "invalid_argument" });
    await expect(
      callUnary(
        m.client,
        "checkSharedConversations",
        { userIds: Array.from({ length: 101 }, () => randomUUID()) },
        m.as(ada!),
      ),
    ).rejects.toMatchObject({ kind: "invalid_argument" });
  });
});
