import { randomUUID } from "node:crypto";
import { messagingV1 } from "@parley/contracts";
import { callUnary } from "@parley/grpc";
import {
  type MessagingUnderTest,
  type TestUser,
  startMessagingUnderTest,
} from "./test-support/messaging-under-test";

describe("messaging service: direct conversations", () => {
  let m: MessagingUnderTest;

  beforeAll(async () => {
    m = await startMessagingUnderTest();
  });

  afterAll(() => m.stop());

  const direct = (from: TestUser, toId: string) =>
    callUnary(m.client, "getOrCreateDirectConversation", { userId: toId }, m.as(from));

  it("when the same pair asks twice, from either side, then it is one conversation, created only the first time", async () => {
    const [ada, bob] = await m.registerMany(2, "pair");
    const first = await direct(ada!, bob!.id);
    expect(first).toMatchObject({
      created: true,
      conversation: {
        kind: messagingV1.ConversationKind.CONVERSATION_KIND_DIRECT,
        title: "",
        memberIds: [ada!.id, bob!.id],
      },
    });
    const again = await direct(ada!, bob!.id);
    const fromBob = await direct(bob!, ada!.id);
    expect(again).toMatchObject({ created: false, conversation: { id: first.conversation!.id } });
    expect(fromBob).toMatchObject({ created: false, conversation: { id: first.conversation!.id } });
  });

  it("when both sides ask at the same moment, then exactly one conversation exists and one call created it", async () => {
    for (let round = 0; round < 5; round += 1) {
      const [ada, bob] = await m.registerMany(2, "race");
      const answers = await Promise.all([
        direct(ada!, bob!.id),
        direct(bob!, ada!.id),
        direct(ada!, bob!.id),
        direct(bob!, ada!.id),
      ]);
      expect(new Set(answers.map((a) => a.conversation!.id)).size).toBe(1);
      expect(answers.filter((a) => a.created)).toHaveLength(1);
      const { conversations } = await callUnary(
        m.client,
        "listConversations",
        { pageSize: 0, pageToken: "" },
        m.as(ada!),
      );
      expect(conversations).toHaveLength(1);
      expect(conversations[0]?.conversation?.memberIds.sort()).toEqual([ada!.id, bob!.id].sort());
    }
  });

  it("when the caller names themselves, then INVALID_ARGUMENT", async () => {
    const [ada] = await m.registerMany(1, "self");
    await expect(direct(ada!, ada!.id)).rejects.toMatchObject({
      kind: "invalid_argument",
      message: "user_id must be another user's id.",
    });
  });

  it("when the other user does not exist, then NOT_FOUND and nothing is created", async () => {
    const [ada] = await m.registerMany(1, "lone");
    await expect(direct(ada!, randomUUID())).rejects.toMatchObject({
      kind: "not_found",
      message: "No such user.",
    });
    const { conversations } = await callUnary(
      m.client,
      "listConversations",
      { pageSize: 0, pageToken: "" },
      m.as(ada!),
    );
    expect(conversations).toEqual([]);
  });

  it("when the user id is not a UUID, then INVALID_ARGUMENT", async () => {
    const [ada] = await m.registerMany(1, "bad");
    await expect(direct(ada!, "bob")).rejects.toMatchObject({ kind: "invalid_argument" });
  });
});
