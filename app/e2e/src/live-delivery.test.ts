import { randomUUID } from "node:crypto";
import {
  type Account,
  ApiClient,
  type PlatformUnderTest,
  SseClient,
  register,
  sendMessage,
  startPlatformUnderTest,
} from "@parley/test-support";

async function send(api: ApiClient, from: Account, conversationId: string, body: string, key?: string) {
  const { status, id } = await sendMessage(api, from, conversationId, body, key);
  expect([200, 201]).toContain(status);
  return id!;
}

const messageIdsOf = (stream: SseClient): string[] =>
  stream
    .notifications()
    .flatMap((n) => (n.kind === "message_received" && n.detail.messageId ? [n.detail.messageId] : []));

describe("messages reach every recipient's live stream exactly once (real processes)", () => {
  let platform: PlatformUnderTest;
  let api: ApiClient;
  let ada: Account;
  let bob: Account;
  let cyd: Account;
  let direct: string;
  let group: string;

  beforeAll(async () => {
    platform = await startPlatformUnderTest({ replicas: { notification: 2, gateway: 2 } });
    api = new ApiClient(platform.gatewayUrl);
    [ada, bob, cyd] = [await register(api, "ada"), await register(api, "bob"), await register(api, "cyd")];
    const directResponse = await api.request("post", "/v1/conversations/direct", {
      token: ada.token,
      body: { username: bob.username },
    });
    expect(directResponse.status).toBe(201);
    direct = (directResponse.body as { id: string }).id;
    const groupResponse = await api.request("post", "/v1/conversations", {
      token: ada.token,
      body: { title: "Team 🚀", memberIds: [bob.id, cyd.id] },
    });
    expect(groupResponse.status).toBe(201);
    group = (groupResponse.body as { id: string }).id;
  }, 60_000);

  afterAll(() => platform.teardown());

  it("when A sends to B directly and to a group, then B's stream gets each message's notification once, in order", async () => {
    const stream = new SseClient(`${platform.gatewayUrl}/v1/notifications/stream`, bob.token);
    expect(await stream.connect()).toBe(200);
    const first = await send(api, ada, direct, "hello bob 👋");
    const second = await send(api, ada, group, "hello team");
    expect(await stream.waitFor(() => messageIdsOf(stream).length >= 2)).toBe(true);
    expect(messageIdsOf(stream)).toEqual([first, second]);
    const sequences = stream.notifications().map((n) => n.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    const groupNotification = stream.notifications().find((n) => n.detail.messageId === second)!;
    expect(groupNotification.detail).toMatchObject({
      conversationId: group,
      senderId: ada.id,
      preview: "hello team",
    });
    stream.close();
  });

  it("when the sender retries with the same Idempotency-Key, then recipients are notified once", async () => {
    const stream = new SseClient(`${platform.gatewayUrl}/v1/notifications/stream`, cyd.token);
    await stream.connect();
    const key = randomUUID();
    const id = await send(api, ada, group, "only once", key);
    expect(await send(api, ada, group, "only once", key)).toBe(id);
    const marker = await send(api, ada, group, "marker");
    expect(await stream.waitFor(() => messageIdsOf(stream).includes(marker))).toBe(true);
    expect(messageIdsOf(stream).filter((m) => m === id)).toHaveLength(1);
    stream.close();
  });

  it("when B streams through one gateway and A sends through the other, then delivery reaches B across replicas", async () => {
    const [first, second] = platform.gatewayUrls as [string, string];
    const stream = new SseClient(`${second}/v1/notifications/stream`, bob.token);
    await stream.connect();
    const viaFirst = new ApiClient(first);
    const sent: string[] = [];
    for (let i = 0; i < 6; i += 1)
      sent.push(await send(viaFirst, ada, i % 2 ? group : direct, `replicated ${i}`));
    expect(await stream.waitFor(() => sent.every((id) => messageIdsOf(stream).includes(id)))).toBe(true);
    expect(messageIdsOf(stream).filter((id) => sent.includes(id))).toHaveLength(sent.length);
    stream.close();
  });

  it("when the notification service is killed mid-stream and restarted, then B reconnects with Last-Event-ID and has every notification exactly once", async () => {
    const stream = new SseClient(`${platform.gatewayUrl}/v1/notifications/stream`, bob.token);
    await stream.connect();
    const before = await send(api, ada, direct, "before the crash");
    expect(await stream.waitFor(() => messageIdsOf(stream).includes(before))).toBe(true);

    const replicas = platform.processes.get("notification")!;
    await Promise.all(replicas.map((replica) => replica.kill()));
    const during: string[] = [];
    for (let i = 0; i < 3; i += 1)
      during.push(await send(api, ada, i % 2 ? group : direct, `while down ${i}`));

    stream.close();
    await Promise.all(replicas.map((_, index) => platform.restart("notification", index)));
    expect(await stream.connect()).toBe(200);
    expect(await stream.waitFor(() => during.every((id) => messageIdsOf(stream).includes(id)))).toBe(true);

    const all = messageIdsOf(stream);
    expect(new Set(all).size).toBe(all.length);
    // Two replicas consume the backlog in parallel: notification order is sequence order, not send order.
    expect(all.slice(all.indexOf(before)).sort()).toEqual([before, ...during].sort());
    const sequences = stream.notifications().map((n) => n.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    stream.close();
  });

  it("when B lists notifications, then each message appears once and B can mark them read", async () => {
    const list = await api.request("get", "/v1/notifications?pageSize=100", {
      token: bob.token,
      template: "/v1/notifications",
    });
    expect(list.status).toBe(200);
    const { notifications, unreadCount } = list.body as {
      notifications: { id: string; detail: { messageId?: string } }[];
      unreadCount: number;
    };
    const messageIds = notifications.map((n) => n.detail.messageId).filter(Boolean);
    expect(new Set(messageIds).size).toBe(messageIds.length);
    expect(unreadCount).toBeGreaterThan(0);
    const marked = await api.request("post", "/v1/notifications/read-all", { token: bob.token });
    expect(marked.status).toBe(200);
    expect((marked.body as { markedCount: number }).markedCount).toBe(unreadCount);
  });

  it("when B has a stream open, then A sees B online; a stranger sees nothing of B", async () => {
    const stream = new SseClient(`${platform.gatewayUrl}/v1/notifications/stream`, bob.token);
    await stream.connect();
    await stream.waitFor(() => false, 300);
    const seen = await api.request("get", `/v1/presence?userIds=${bob.id}`, {
      token: ada.token,
      template: "/v1/presence",
    });
    expect(seen.status).toBe(200);
    expect((seen.body as { presences: unknown[] }).presences).toEqual([
      { userId: bob.id, online: true, lastSeenAt: expect.any(String) },
    ]);
    const stranger = await register(api, "eve");
    const hidden = await api.request("get", `/v1/presence?userIds=${bob.id}`, {
      token: stranger.token,
      template: "/v1/presence",
    });
    expect((hidden.body as { presences: unknown[] }).presences).toEqual([]);
    stream.close();
  });
});
