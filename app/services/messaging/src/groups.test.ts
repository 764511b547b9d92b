import { randomUUID } from "node:crypto";
import { messagingV1 } from "@parley/contracts";
import { callUnary } from "@parley/grpc";
import {
  type MessagingUnderTest,
  type TestUser,
  startMessagingUnderTest,
} from "./test-support/messaging-under-test";

const { MEMBER_ROLE_ADMIN: ADMIN, MEMBER_ROLE_MEMBER: MEMBER } = messagingV1.MemberRole;

describe("messaging service: groups and their admins", () => {
  let m: MessagingUnderTest;
  let users: TestUser[];

  beforeAll(async () => {
    m = await startMessagingUnderTest();
    users = await m.registerMany(6, "grp");
  });

  afterAll(() => m.stop());

  const createGroup = (creator: TestUser, members: TestUser[], title = "Team") =>
    callUnary(
      m.client,
      "createGroupConversation",
      { title, memberIds: members.map((u) => u.id) },
      m.as(creator),
    ).then((response) => response.conversation!);
  const members = async (conversationId: string, asUser: TestUser) =>
    (await callUnary(m.client, "listMembers", { conversationId }, m.as(asUser))).members;

  it("when a group is created, then the creator is its admin and the others members, in join order", async () => {
    const [a, b, c] = users;
    const group = await createGroup(a!, [c!, b!, c!, a!], "  Weekend plans  ");
    expect(group).toMatchObject({
      kind: messagingV1.ConversationKind.CONVERSATION_KIND_GROUP,
      title: "Weekend plans",
      memberIds: [a!.id, c!.id, b!.id],
    });
    expect((await members(group.id, b!)).map((x) => [x.userId, x.role])).toEqual([
      [a!.id, ADMIN],
      [c!.id, MEMBER],
      [b!.id, MEMBER],
    ]);
  });

  it("when a member tries to add or remove, then PERMISSION_DENIED and nothing changes", async () => {
    const [a, b, c, d] = users;
    const group = await createGroup(a!, [b!, c!]);
    await expect(
      callUnary(m.client, "addMembers", { conversationId: group.id, userIds: [d!.id] }, m.as(b!)),
    ).rejects.toMatchObject({ kind: "permission_denied" });
    await expect(
      callUnary(m.client, "removeMember", { conversationId: group.id, userId: c!.id }, m.as(b!)),
    ).rejects.toMatchObject({ kind: "permission_denied" });
    expect((await members(group.id, a!)).map((x) => x.userId)).toEqual([a!.id, b!.id, c!.id]);
  });

  it("when an admin adds and removes, then the members change; existing members are ignored", async () => {
    const [a, b, c, d] = users;
    const group = await createGroup(a!, [b!]);
    const { members: after } = await callUnary(
      m.client,
      "addMembers",
      { conversationId: group.id, userIds: [b!.id, d!.id, c!.id] },
      m.as(a!),
    );
    expect(after.map((x) => x.userId)).toEqual([a!.id, b!.id, d!.id, c!.id]);
    await callUnary(m.client, "removeMember", { conversationId: group.id, userId: d!.id }, m.as(a!));
    expect((await members(group.id, a!)).map((x) => x.userId)).toEqual([a!.id, b!.id, c!.id]);
    await expect(
      callUnary(m.client, "removeMember", { conversationId: group.id, userId: d!.id }, m.as(a!)),
    ).rejects.toMatchObject({ kind: "not_found", message: "No such member." });
  });

  it("when an admin tries to remove themselves, then FAILED_PRECONDITION (they must leave)", async () => {
    const [a, b] = users;
    const group = await createGroup(a!, [b!]);
    await expect(
      callUnary(m.client, "removeMember", { conversationId: group.id, userId: a!.id }, m.as(a!)),
    ).rejects.toMatchObject({ kind: "failed_precondition" });
  });

  it("when the last admin leaves, then the longest-standing remaining member becomes admin", async () => {
    const [a, b, c, d] = users;
    const group = await createGroup(a!, [c!, b!]);
    await callUnary(m.client, "addMembers", { conversationId: group.id, userIds: [d!.id] }, m.as(a!));
    await callUnary(m.client, "leaveConversation", { conversationId: group.id }, m.as(a!));
    expect((await members(group.id, b!)).map((x) => [x.userId, x.role])).toEqual([
      [c!.id, ADMIN],
      [b!.id, MEMBER],
      [d!.id, MEMBER],
    ]);
    // The new admin can manage the group; the one who left cannot see it any more.
    await callUnary(m.client, "removeMember", { conversationId: group.id, userId: d!.id }, m.as(c!));
    await expect(members(group.id, a!)).rejects.toMatchObject({ kind: "not_found" });
  });

  it("when the promoted admin leaves too, then the next longest-standing member takes over", async () => {
    const [a, b, c, d] = users;
    const group = await createGroup(a!, [b!, c!, d!]);
    await callUnary(m.client, "leaveConversation", { conversationId: group.id }, m.as(a!));
    await callUnary(m.client, "leaveConversation", { conversationId: group.id }, m.as(b!));
    expect((await members(group.id, d!)).map((x) => [x.userId, x.role])).toEqual([
      [c!.id, ADMIN],
      [d!.id, MEMBER],
    ]);
  });

  it("when a member leaves, then the admins stay as they are", async () => {
    const [a, b, c] = users;
    const group = await createGroup(a!, [b!, c!]);
    await callUnary(m.client, "leaveConversation", { conversationId: group.id }, m.as(b!));
    expect((await members(group.id, a!)).map((x) => [x.userId, x.role])).toEqual([
      [a!.id, ADMIN],
      [c!.id, MEMBER],
    ]);
  });

  it("when members are managed in a direct conversation, then FAILED_PRECONDITION; leaving it too", async () => {
    const [a, b, c] = users;
    const { conversation } = await callUnary(
      m.client,
      "getOrCreateDirectConversation",
      { userId: b!.id },
      m.as(a!),
    );
    const conversationId = conversation!.id;
    await expect(
      callUnary(m.client, "addMembers", { conversationId, userIds: [c!.id] }, m.as(a!)),
    ).rejects.toMatchObject({ kind: "failed_precondition" });
    await expect(
      callUnary(m.client, "removeMember", { conversationId, userId: b!.id }, m.as(a!)),
    ).rejects.toMatchObject({ kind: "failed_precondition" });
    await expect(
      callUnary(m.client, "leaveConversation", { conversationId }, m.as(a!)),
    ).rejects.toMatchObject({ kind: "failed_precondition" });
  });

  it.each([
    ["empty", ""],
    ["only white space", " \t\n "],
    ["101 characters", "x".repeat(101)],
    ["a NUL character", "a\u0000b"],
  ])("when the title is %s, then INVALID_ARGUMENT", async (_case, title) => {
    await expect(createGroup(users[0]!, [], title)).rejects.toMatchObject({
      kind: "invalid_argument",
      message: expect.stringContaining("title"),
    });
  });

  it("when the title is 100 emoji, then it is accepted (one character each)", async () => {
    const group = await createGroup(users[0]!, [], "🎉".repeat(100));
    expect(group.title).toBe("🎉".repeat(100));
  });

  it("when member ids are unknown users or not UUIDs, then INVALID_ARGUMENT and no group", async () => {
    const [a, b] = users;
    await expect(createGroup(a!, [b!, { id: randomUUID(), username: "", token: "" }])).rejects.toMatchObject({
      kind: "invalid_argument",
      message: expect.stringContaining("not registered users"),
    });
    await expect(createGroup(a!, [{ id: "nope", username: "", token: "" }])).rejects.toMatchObject({
      kind: "invalid_argument",
      message: "member_ids must hold UUIDs in lowercase.",
    });
    const group = await createGroup(a!, [b!]);
    await expect(
      callUnary(m.client, "addMembers", { conversationId: group.id, userIds: [randomUUID()] }, m.as(a!)),
    ).rejects.toMatchObject({ kind: "invalid_argument" });
  });

  describe("the 256-member limit", () => {
    let crowd: TestUser[];

    beforeAll(async () => {
      crowd = await m.registerMany(257, "crowd");
    }, 120_000);

    it("when a group is created with 255 others, then it holds 256; one more is FAILED_PRECONDITION", async () => {
      const [creator, ...others] = crowd;
      const group = await createGroup(creator!, others.slice(0, 255));
      expect(group.memberIds).toHaveLength(256);
      await expect(
        callUnary(
          m.client,
          "addMembers",
          { conversationId: group.id, userIds: [others[255]!.id] },
          m.as(creator!),
        ),
      ).rejects.toMatchObject({ kind: "failed_precondition", message: "A group holds at most 256 members." });
      // Re-adding existing members is not growth.
      await expect(
        callUnary(
          m.client,
          "addMembers",
          { conversationId: group.id, userIds: [others[0]!.id] },
          m.as(creator!),
        ),
      ).resolves.toMatchObject({ members: expect.any(Array) });
    });

    it("when a group is created with 256 others, then INVALID_ARGUMENT", async () => {
      const [creator, ...others] = crowd;
      await expect(createGroup(creator!, others)).rejects.toMatchObject({
        kind: "invalid_argument",
        message: "member_ids must hold 0 to 255 user ids besides the caller.",
      });
    });

    it("when admins add members at the same time, then the group still stops at 256", async () => {
      const [creator, second, ...others] = crowd;
      const group = await createGroup(creator!, [second!, ...others.slice(0, 200)]);
      await callUnary(m.client, "leaveConversation", { conversationId: group.id }, m.as(creator!));
      // second is now the admin; two concurrent additions of 40 new members each: only one fits.
      await callUnary(
        m.client,
        "addMembers",
        { conversationId: group.id, userIds: [creator!.id] },
        m.as(second!),
      );
      const batches = [others.slice(200, 240), [...others.slice(240), ...users.slice(0, 6)]];
      const outcomes = await Promise.allSettled(
        batches.map((batch) =>
          callUnary(
            m.client,
            "addMembers",
            { conversationId: group.id, userIds: batch.map((u) => u.id) },
            m.as(second!),
          ),
        ),
      );
      expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
      expect((await members(group.id, second!)).length).toBeLessThanOrEqual(256);
    });
  });
});
