import { randomUUID } from "node:crypto";
import {
  type Account,
  type PlatformUnderTest,
  SseClient,
  directConversation,
  eventually,
  register,
  sendMessage,
} from "@parley/test-support";
import { findSecretsInLogs } from "../harness/secrets";
import { SecurityClient, expectProblem, startSecurityPlatform } from "./support";

interface Notification {
  id: string;
  detail: { conversationId?: string; messageId?: string };
}

/**
 * OWASP API Top 10 on the real platform: broken object-level authorization (a stranger reaching
 * others' conversations, messages, notifications or presence), broken function-level
 * authorization (members doing admins' work) and mass assignment (fields the client must not set).
 */
describe("authorization: nobody reads, pages, marks or learns of what is not theirs (real processes)", () => {
  let platform: PlatformUnderTest;
  let api: SecurityClient;
  // Ada runs a group with Cyd and Max (Ada is its admin) and has a direct conversation with Cyd.
  // Bob shares nothing with them.
  let ada: Account;
  let bob: Account;
  let cyd: Account;
  let max: Account;
  let group: string;
  let direct: string;
  let bobsOwn: string;
  let groupMessage: string;
  let cydsNotification: Notification;
  let bobStream: SseClient;
  const bodies: string[] = [];

  const as = (
    who: Account,
    method: string,
    path: string,
    options: { body?: unknown; template?: string } = {},
  ) => api.request(method, path, { token: who.token, ...options });
  const send = async (from: Account, conversation: string, text: string) => {
    bodies.push(text);
    const { status, id } = await sendMessage(from, conversation, text);
    expect(status).toBe(201);
    return id!;
  };

  beforeAll(async () => {
    platform = await startSecurityPlatform();
    api = new SecurityClient(platform.gatewayUrl);
    [ada, bob, cyd, max] = [
      await register(api.client, "ada"),
      await register(api.client, "bob"),
      await register(api.client, "cyd"),
      await register(api.client, "max"),
    ];
    bobStream = new SseClient(platform.gatewayUrl, bob.token);
    expect(await bobStream.connect()).toBe(200);
    const created = await as(ada, "post", "/v1/conversations", {
      body: { title: "ada's team", memberIds: [cyd.id, max.id] },
    });
    expect(created.status).toBe(201);
    group = (created.body as { id: string }).id;
    const opened = await as(ada, "post", "/v1/conversations/direct", { body: { userId: cyd.id } });
    direct = (opened.body as { id: string }).id;
    const own = await as(bob, "post", "/v1/conversations", { body: { title: "bob alone", memberIds: [] } });
    bobsOwn = (own.body as { id: string }).id;
    groupMessage = await send(ada, group, "rel-secret-body for the team only");
    for (let i = 0; i < 3; i += 1) await send(ada, direct, `rel-secret-body private ${i}`);
    await send(bob, bobsOwn, "rel-secret-body bob's note");
    // Cyd's notification of Ada's group message.
    await eventually(async () => {
      const list = await as(cyd, "get", "/v1/notifications");
      cydsNotification = (list.body as { notifications: Notification[] }).notifications.find(
        (n) => n.detail.messageId === groupMessage,
      )!;
      return cydsNotification !== undefined;
    });
    expect(cydsNotification).toBeDefined();
  }, 60_000);

  afterAll(async () => {
    bobStream.close();
    await platform.teardown();
  });

  it("when a stranger reads, pages, writes to, marks or leaves another's conversation, then 404 exactly as for one that does not exist", async () => {
    const nowhere = randomUUID();
    const attempts: [string, string, string, unknown?][] = [
      ["get", "/v1/conversations/{conversationId}", "{id}"],
      ["get", "/v1/conversations/{conversationId}/members", "{id}/members"],
      ["get", "/v1/conversations/{conversationId}/messages", "{id}/messages"],
      ["post", "/v1/conversations/{conversationId}/read", "{id}/read", { messageId: groupMessage }],
      ["post", "/v1/conversations/{conversationId}/leave", "{id}/leave"],
      ["post", "/v1/conversations/{conversationId}/members", "{id}/members", { userIds: [bob.id] }],
      ["delete", "/v1/conversations/{conversationId}/members/{userId}", `{id}/members/${cyd.id}`],
    ];
    for (const [method, template, suffix, body] of attempts) {
      for (const target of [group, direct]) {
        const theirs = await as(bob, method, `/v1/conversations/${suffix.replace("{id}", target)}`, {
          body,
          template,
        });
        const missing = await as(bob, method, `/v1/conversations/${suffix.replace("{id}", nowhere)}`, {
          body,
          template,
        });
        expectProblem(theirs, 404);
        // Same status, same words: the answer does not tell that the conversation exists.
        expect({ ...(theirs.body as object), instance: "", requestId: "" }).toEqual({
          ...(missing.body as object),
          instance: "",
          requestId: "",
        });
      }
    }
    const sent = await api.request("post", `/v1/conversations/${group}/messages`, {
      token: bob.token,
      body: { body: "let me in" },
      headers: { "idempotency-key": randomUUID() },
      template: "/v1/conversations/{conversationId}/messages",
    });
    expectProblem(sent, 404);
  });

  it("when a stranger lists conversations, pages with another's page token or cursor, then only their own come back", async () => {
    const list = await as(bob, "get", "/v1/conversations");
    expect((list.body as { conversations: { id: string }[] }).conversations.map((c) => c.id)).toEqual([
      bobsOwn,
    ]);

    const adasFirstPage = await as(ada, "get", "/v1/conversations?pageSize=1", {
      template: "/v1/conversations",
    });
    const pageToken = (adasFirstPage.body as { nextPageToken: string | null }).nextPageToken;
    expect(pageToken).toBeTruthy();
    const borrowed = await as(
      bob,
      "get",
      `/v1/conversations?pageSize=1&pageToken=${encodeURIComponent(pageToken!)}`,
      {
        template: "/v1/conversations",
      },
    );
    if (borrowed.status === 200) {
      const ids = (borrowed.body as { conversations: { id: string }[] }).conversations.map((c) => c.id);
      expect(ids.filter((id) => id === group || id === direct)).toEqual([]);
    } else expectProblem(borrowed, 400);

    const adasMessages = await as(ada, "get", `/v1/conversations/${direct}/messages?limit=1`, {
      template: "/v1/conversations/{conversationId}/messages",
    });
    const cursor = (adasMessages.body as { nextCursor: string | null }).nextCursor;
    expect(cursor).toBeTruthy();
    const withCursor = await as(
      bob,
      "get",
      `/v1/conversations/${bobsOwn}/messages?before=${encodeURIComponent(cursor!)}`,
      {
        template: "/v1/conversations/{conversationId}/messages",
      },
    );
    if (withCursor.status === 200) {
      const messages = (withCursor.body as { messages: { conversationId: string }[] }).messages;
      expect(messages.every((m) => m.conversationId === bobsOwn)).toBe(true);
    } else expectProblem(withCursor, 400);
  });

  it("when a stranger lists, marks or streams notifications, then they see and touch only their own", async () => {
    const list = await as(bob, "get", "/v1/notifications?pageSize=100", { template: "/v1/notifications" });
    const mine = (list.body as { notifications: Notification[] }).notifications;
    expect(
      mine.filter((n) => n.detail.conversationId === group || n.detail.conversationId === direct),
    ).toEqual([]);

    const mark = await as(bob, "post", `/v1/notifications/${cydsNotification.id}/read`, {
      template: "/v1/notifications/{notificationId}/read",
    });
    expectProblem(mark, 404);
    await as(bob, "post", "/v1/notifications/read-all");
    const cyds = await as(cyd, "get", "/v1/notifications?pageSize=100", { template: "/v1/notifications" });
    const still = (
      cyds.body as { notifications: (Notification & { readAt: string | null })[] }
    ).notifications.find((n) => n.id === cydsNotification.id);
    expect(still?.readAt).toBeNull();

    // A marker: Bob's stream is in his notifications' order, so once a message a newcomer sends
    // him now has arrived, a notification of the others' earlier messages would have too.
    const eve = await register(api.client, "eve");
    const markerConversation = await directConversation(eve, bob);
    const marker = await send(eve, markerConversation, "rel-secret-body marker for bob");
    expect(
      await bobStream.waitFor(() => bobStream.notifications().some((n) => n.detail.messageId === marker)),
    ).toBe(true);
    const streamed = bobStream
      .notifications()
      .filter((n) => n.kind === "message_received" && n.detail.messageId !== marker);
    expect(streamed.map((n) => n.detail.conversationId).filter((id) => id !== bobsOwn)).toEqual([]);
  });

  it("when a stranger asks for presence, then users they share nothing with are left out; members see each other", async () => {
    const hidden = await as(bob, "get", `/v1/presence?userIds=${ada.id},${cyd.id}`, {
      template: "/v1/presence",
    });
    expect(hidden.status).toBe(200);
    expect((hidden.body as { presences: unknown[] }).presences).toEqual([]);
    const shared = await as(cyd, "get", `/v1/presence?userIds=${ada.id},${bob.id}`, {
      template: "/v1/presence",
    });
    expect((shared.body as { presences: { userId: string }[] }).presences.map((p) => p.userId)).toEqual([
      ada.id,
    ]);
  });

  it("when a group member (not admin) adds or removes members, then 403 and the group is unchanged", async () => {
    const add = await as(max, "post", `/v1/conversations/${group}/members`, {
      body: { userIds: [bob.id] },
      template: "/v1/conversations/{conversationId}/members",
    });
    expectProblem(add, 403);
    const remove = await as(max, "delete", `/v1/conversations/${group}/members/${cyd.id}`, {
      template: "/v1/conversations/{conversationId}/members/{userId}",
    });
    expectProblem(remove, 403);
    const removeAdmin = await as(cyd, "delete", `/v1/conversations/${group}/members/${ada.id}`, {
      template: "/v1/conversations/{conversationId}/members/{userId}",
    });
    expectProblem(removeAdmin, 403);
    const members = await as(ada, "get", `/v1/conversations/${group}/members`, {
      template: "/v1/conversations/{conversationId}/members",
    });
    const roles = (members.body as { members: { userId: string; role: string }[] }).members;
    expect(roles.map((m) => m.userId).sort()).toEqual([ada.id, cyd.id, max.id].sort());
    expect(roles.find((m) => m.userId === max.id)?.role).toBe("member");
  });

  it("when a body sets fields the client may not set (ids, roles, senders, times), then 400 names them and nothing changes", async () => {
    const mallory = `mallory${Date.now().toString(36)}`;
    const attempts: [string, string, string, Record<string, unknown>, string][] = [
      [
        "post",
        "/v1/conversations",
        "/v1/conversations",
        { title: "x", memberIds: [], role: "admin" },
        "role",
      ],
      ["post", "/v1/conversations", "/v1/conversations", { title: "x", id: randomUUID() }, "id"],
      [
        "post",
        "/v1/conversations",
        "/v1/conversations",
        { title: "x", createdAt: "2020-01-01T00:00:00Z" },
        "createdAt",
      ],
      [
        "post",
        "/v1/conversations/direct",
        "/v1/conversations/direct",
        { userId: cyd.id, kind: "group" },
        "kind",
      ],
      [
        "post",
        "/v1/conversations/{conversationId}/members",
        `/v1/conversations/${group}/members`,
        { userIds: [bob.id], role: "admin" },
        "role",
      ],
      [
        "post",
        "/v1/conversations/{conversationId}/read",
        `/v1/conversations/${group}/read`,
        { messageId: groupMessage, unreadCount: 0 },
        "unreadCount",
      ],
      [
        "post",
        "/v1/auth/register",
        "/v1/auth/register",
        { username: mallory, password: "correct horse battery", isAdmin: true },
        "isAdmin",
      ],
      [
        "post",
        "/v1/auth/register",
        "/v1/auth/register",
        { username: mallory, password: "correct horse battery", id: ada.id },
        "id",
      ],
    ];
    for (const [method, template, path, body, field] of attempts) {
      const response = await as(max, method, path, { body, template });
      expectProblem(response, 400);
      expect((response.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toContain(
        `#/body/${field}`,
      );
    }
    for (const field of ["senderId", "id", "sentAt", "conversationId"]) {
      const response = await api.request("post", `/v1/conversations/${group}/messages`, {
        token: max.token,
        body: {
          body: "rel-secret-body impersonation",
          [field]: field === "sentAt" ? "2020-01-01T00:00:00Z" : ada.id,
        },
        headers: { "idempotency-key": randomUUID() },
        template: "/v1/conversations/{conversationId}/messages",
      });
      expectProblem(response, 400);
    }
    const messages = await as(ada, "get", `/v1/conversations/${group}/messages`, {
      template: "/v1/conversations/{conversationId}/messages",
    });
    expect((messages.body as { messages: unknown[] }).messages).toHaveLength(1);
    const lookup = await as(ada, "get", `/v1/users?username=${mallory}`, { template: "/v1/users" });
    expect(lookup.status).toBe(404);
  });

  it("when all that is over, then no answer leaked internals and no log line holds a body, password or token", () => {
    expect(api.leaks).toEqual([]);
    const extra = bodies.map((value) => ({ kind: "message body", value }));
    expect(findSecretsInLogs(platform.logs, [ada, bob, cyd, max], extra)).toEqual([]);
  });
});
