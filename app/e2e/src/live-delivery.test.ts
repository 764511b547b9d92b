import { randomUUID } from "node:crypto";
import {
  type Account,
  type PlatformUnderTest,
  SseClient,
  type TestClient,
  createTestClient,
  eventually,
  register,
  sendMessage,
  startPlatformUnderTest,
} from "@parley/test-support";

async function send(from: Account, conversationId: string, body: string, key?: string) {
  const { status, id } = await sendMessage(from, conversationId, body, key);
  expect([200, 201]).toContain(status);
  return id!;
}

const messageIdsOf = (stream: SseClient): string[] =>
  stream
    .notifications()
    .flatMap((n) => (n.kind === "message_received" && n.detail.messageId ? [n.detail.messageId] : []));

describe("messages reach every recipient's live stream exactly once (real processes)", () => {
  let platform: PlatformUnderTest;
  let api: TestClient;
  let ada: Account;
  let bob: Account;
  let cyd: Account;
  let direct: string;
  let group: string;

  beforeAll(async () => {
    platform = await startPlatformUnderTest({ replicas: { notification: 2, gateway: 2 } });
    api = createTestClient(platform.gatewayUrl);
    [ada, bob, cyd] = [await register(api, "ada"), await register(api, "bob"), await register(api, "cyd")];
    const directResponse = await ada.api.POST("/v1/conversations/direct", {
      body: { username: bob.username },
    });
    expect(directResponse.response.status).toBe(201);
    direct = directResponse.data!.id;
    const groupResponse = await ada.api.POST("/v1/conversations", {
      body: { title: "Team 🚀", memberIds: [bob.id, cyd.id] },
    });
    expect(groupResponse.response.status).toBe(201);
    group = groupResponse.data!.id;
  }, 60_000);

  afterAll(() => platform.teardown());

  it("when A sends to B directly and to a group, then B's stream gets each message's notification once, in order", async () => {
    const stream = new SseClient(platform.gatewayUrl, bob.token);
    expect(await stream.connect()).toBe(200);
    const first = await send(ada, direct, "hello bob 👋");
    // Two notification replicas handle different conversations in parallel, so only a message
    // sent after the first was delivered is sure to be numbered after it.
    expect(await stream.waitFor(() => messageIdsOf(stream).length >= 1)).toBe(true);
    const second = await send(ada, group, "hello team");
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
    const stream = new SseClient(platform.gatewayUrl, cyd.token);
    await stream.connect();
    const key = randomUUID();
    const id = await send(ada, group, "only once", key);
    expect(await send(ada, group, "only once", key)).toBe(id);
    const marker = await send(ada, group, "marker");
    expect(await stream.waitFor(() => messageIdsOf(stream).includes(marker))).toBe(true);
    expect(messageIdsOf(stream).filter((m) => m === id)).toHaveLength(1);
    stream.close();
  });

  it("when B streams through one gateway and A sends through the other, then delivery reaches B across replicas", async () => {
    const [first, second] = platform.gatewayUrls as [string, string];
    const stream = new SseClient(second, bob.token);
    await stream.connect();
    const adaViaFirst = { ...ada, api: createTestClient(first) };
    adaViaFirst.api.session.set(ada.api.session.tokens);
    const sent: string[] = [];
    for (let i = 0; i < 6; i += 1)
      sent.push(await send(adaViaFirst, i % 2 ? group : direct, `replicated ${i}`));
    expect(await stream.waitFor(() => sent.every((id) => messageIdsOf(stream).includes(id)))).toBe(true);
    expect(messageIdsOf(stream).filter((id) => sent.includes(id))).toHaveLength(sent.length);
    stream.close();
  });

  it("when the notification service is killed mid-stream and restarted, then B reconnects with Last-Event-ID and has every notification exactly once", async () => {
    const stream = new SseClient(platform.gatewayUrl, bob.token);
    await stream.connect();
    const before = await send(ada, direct, "before the crash");
    expect(await stream.waitFor(() => messageIdsOf(stream).includes(before))).toBe(true);

    const replicas = platform.processes.get("notification")!;
    await Promise.all(replicas.map((replica) => replica.kill()));
    const during: string[] = [];
    for (let i = 0; i < 3; i += 1) during.push(await send(ada, i % 2 ? group : direct, `while down ${i}`));

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
    const list = await bob.api.GET("/v1/notifications", { params: { query: { pageSize: 100 } } });
    expect(list.response.status).toBe(200);
    const { notifications, unreadCount } = list.data!;
    const messageIds = notifications
      .map((n) => ("messageId" in n.detail ? n.detail.messageId : undefined))
      .filter(Boolean);
    expect(new Set(messageIds).size).toBe(messageIds.length);
    expect(unreadCount).toBeGreaterThan(0);
    const marked = await bob.api.POST("/v1/notifications/read-all");
    expect(marked.response.status).toBe(200);
    expect(marked.data!.markedCount).toBe(unreadCount);
  });

  it("when B has a stream open, then A sees B online; a stranger sees nothing of B", async () => {
    const stream = new SseClient(platform.gatewayUrl, bob.token);
    await stream.connect();
    const presenceOfBob = () => ada.api.GET("/v1/presence", { params: { query: { userIds: [bob.id] } } });
    expect(await eventually(async () => (await presenceOfBob()).data?.presences[0]?.online === true)).toBe(
      true,
    );
    const seen = await presenceOfBob();
    expect(seen.response.status).toBe(200);
    expect(seen.data!.presences).toEqual([{ userId: bob.id, online: true, lastSeenAt: expect.any(String) }]);
    const stranger = await register(api, "eve");
    const hidden = await stranger.api.GET("/v1/presence", { params: { query: { userIds: [bob.id] } } });
    expect(hidden.data!.presences).toEqual([]);
    stream.close();
  });
});
