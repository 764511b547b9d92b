import { randomUUID } from "node:crypto";
import { bearerMetadata, callUnary } from "@parley/grpc";
import {
  type MessagingUnderTest,
  type TestUser,
  startMessagingUnderTest,
} from "./test-support/messaging-under-test";

describe("messaging service: who may see and change a conversation", () => {
  let m: MessagingUnderTest;
  let admin: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let groupId: string;
  let messageId: string;

  beforeAll(async () => {
    m = await startMessagingUnderTest();
    [admin, member, outsider] = (await m.registerMany(3, "mem")) as [TestUser, TestUser, TestUser];
    const { conversation } = await callUnary(
      m.client,
      "createGroupConversation",
      { title: "Members only", memberIds: [member.id] },
      m.as(admin),
    );
    groupId = conversation!.id;
    const { message } = await callUnary(
      m.client,
      "sendMessage",
      { conversationId: groupId, body: "secret", idempotencyKey: "k1" },
      m.as(admin),
    );
    messageId = message!.id;
  });

  afterAll(() => m.stop());

  const outsiderCalls = () => ({
    getConversation: () =>
      callUnary(m.client, "getConversation", { conversationId: groupId }, m.as(outsider)),
    listMembers: () => callUnary(m.client, "listMembers", { conversationId: groupId }, m.as(outsider)),
    sendMessage: () =>
      callUnary(
        m.client,
        "sendMessage",
        { conversationId: groupId, body: "let me in", idempotencyKey: "o1" },
        m.as(outsider),
      ),
    listMessages: () =>
      callUnary(m.client, "listMessages", { conversationId: groupId, limit: 0, before: "" }, m.as(outsider)),
    markRead: () => callUnary(m.client, "markRead", { conversationId: groupId, messageId }, m.as(outsider)),
    addMembers: () =>
      callUnary(m.client, "addMembers", { conversationId: groupId, userIds: [outsider.id] }, m.as(outsider)),
    removeMember: () =>
      callUnary(m.client, "removeMember", { conversationId: groupId, userId: member.id }, m.as(outsider)),
    leaveConversation: () =>
      callUnary(m.client, "leaveConversation", { conversationId: groupId }, m.as(outsider)),
  });

  it.each([
    "getConversation",
    "listMembers",
    "sendMessage",
    "listMessages",
    "markRead",
    "addMembers",
    "removeMember",
    "leaveConversation",
  ] as const)(
    "when a non-member calls %s, then NOT_FOUND as if the conversation did not exist",
    async (name) => {
      await expect(outsiderCalls()[name]()).rejects.toMatchObject({
        kind: "not_found",
        message: "No such conversation.",
      });
    },
  );

  it("when the outsider's attempts are over, then the group is unchanged", async () => {
    const { members } = await callUnary(m.client, "listMembers", { conversationId: groupId }, m.as(admin));
    expect(members.map((x) => x.userId)).toEqual([admin.id, member.id]);
    const { messages } = await callUnary(
      m.client,
      "listMessages",
      { conversationId: groupId, limit: 0, before: "" },
      m.as(member),
    );
    expect(messages.map((x) => x.body)).toEqual(["secret"]);
  });

  it("when a conversation does not exist, then the answer is the same NOT_FOUND", async () => {
    await expect(
      callUnary(m.client, "getConversation", { conversationId: randomUUID() }, m.as(admin)),
    ).rejects.toMatchObject({ kind: "not_found", message: "No such conversation." });
  });

  it("when a member reads, then they see the conversation", async () => {
    const { conversation } = await callUnary(
      m.client,
      "getConversation",
      { conversationId: groupId },
      m.as(member),
    );
    expect(conversation?.conversation?.memberIds).toEqual([admin.id, member.id]);
  });

  it("when a member is removed, then from then on they get NOT_FOUND too", async () => {
    const [leaving] = await m.registerMany(1, "gone");
    await callUnary(m.client, "addMembers", { conversationId: groupId, userIds: [leaving!.id] }, m.as(admin));
    await expect(
      callUnary(m.client, "listMembers", { conversationId: groupId }, m.as(leaving!)),
    ).resolves.toBeDefined();
    await callUnary(m.client, "removeMember", { conversationId: groupId, userId: leaving!.id }, m.as(admin));
    await expect(
      callUnary(m.client, "listMembers", { conversationId: groupId }, m.as(leaving!)),
    ).rejects.toMatchObject({ kind: "not_found" });
  });

  it("when conversation or message ids are not UUIDs, then INVALID_ARGUMENT", async () => {
    await expect(
      callUnary(m.client, "getConversation", { conversationId: "not-a-uuid" }, m.as(admin)),
    ).rejects.toMatchObject({
      kind: "invalid_argument",
      message: "conversation_id must be a UUID in lowercase.",
    });
    await expect(
      callUnary(m.client, "markRead", { conversationId: groupId, messageId: "42" }, m.as(admin)),
    ).rejects.toMatchObject({ kind: "invalid_argument", message: "message_id must be a UUID in lowercase." });
  });

  it("when a token is signed by a key auth never had, then UNAUTHENTICATED", async () => {
    const forged = await m.forgeToken(member);
    await expect(
      callUnary(
        m.client,
        "getConversation",
        { conversationId: groupId },
        { metadata: bearerMetadata(forged) },
      ),
    ).rejects.toMatchObject({ kind: "unauthenticated" });
    await expect(
      callUnary(
        m.client,
        "sendMessage",
        { conversationId: groupId, body: "forged", idempotencyKey: "f1" },
        { metadata: bearerMetadata(forged) },
      ),
    ).rejects.toMatchObject({ kind: "unauthenticated" });
  });

  it("when there is no token at all, then UNAUTHENTICATED", async () => {
    await expect(
      callUnary(m.client, "listConversations", { pageSize: 0, pageToken: "" }),
    ).rejects.toMatchObject({ kind: "unauthenticated", message: "Missing or invalid access token." });
  });
});
