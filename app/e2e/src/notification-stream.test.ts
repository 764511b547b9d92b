import { NotificationStream, type NotificationStreamState, type Schemas } from "@parley/api-client";
import {
  type Account,
  type PlatformUnderTest,
  createTestClient,
  directConversation,
  eventually,
  register,
  sendMessage,
  startPlatformUnderTest,
} from "@parley/test-support";

const waitFor = (check: () => boolean) => eventually(check, 20_000);

describe("the API client's notification stream, kept open across a gateway restart (real processes)", () => {
  let platform: PlatformUnderTest;
  let ada: Account;
  let bob: Account;
  let conversation: string;

  beforeAll(async () => {
    platform = await startPlatformUnderTest({ replicas: { gateway: 2 } });
    const [, second] = platform.gatewayUrls as [string, string];
    // Ada talks to the second gateway; Bob's stream stays on the first, which the test restarts.
    ada = await register(createTestClient(second), "ada");
    bob = await register(createTestClient(platform.gatewayUrl), "bob");
    conversation = await directConversation(ada, bob);
  }, 60_000);
  afterAll(() => platform.teardown());

  it("when the gateway under the stream restarts and the access token expired meanwhile, then it refreshes, resumes with Last-Event-ID and misses nothing", async () => {
    const received: Schemas["Notification"][] = [];
    const states: NotificationStreamState[] = [];
    const stream = new NotificationStream({
      baseUrl: platform.gatewayUrl,
      session: bob.api.session,
      backoffMs: 100,
      onNotification: (notification) => received.push(notification),
      onState: (state) => states.push(state),
    });
    const running = stream.run();
    const messageIds = () => received.flatMap((n) => ("messageId" in n.detail ? [n.detail.messageId] : []));

    const first = (await sendMessage(ada, conversation, "before the restart")).id!;
    expect(await waitFor(() => messageIds().includes(first))).toBe(true);

    await platform.processes.get("gateway")![0]!.kill();
    const during = [
      (await sendMessage(ada, conversation, "while the gateway is down")).id!,
      (await sendMessage(ada, conversation, "still down")).id!,
    ];
    // An access token that no longer verifies: the reconnect is refused once, then refreshed.
    const { refreshToken } = bob.api.session.tokens!;
    bob.api.session.set({ accessToken: "expired", refreshToken });
    await platform.restart("gateway", 0);

    expect(await waitFor(() => during.every((id) => messageIds().includes(id)))).toBe(true);
    stream.close();
    await running;

    expect(messageIds()).toEqual([first, ...during]);
    const sequences = received.map((n) => n.sequence);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(bob.api.session.tokens?.refreshToken).not.toBe(refreshToken);
    expect(states).toEqual(["open", "reconnecting", "open", "closed"]);
  }, 60_000);

  it("when several streams are open and one closes, then the others keep receiving heartbeats", async () => {
    const open = async () => {
      const controller = new AbortController();
      const response = await fetch(`${platform.gatewayUrl}/v1/notifications/stream`, {
        headers: { authorization: `Bearer ${ada.token}`, accept: "text/event-stream" },
        signal: controller.signal,
      });
      let text = "";
      void (async () => {
        const decoder = new TextDecoder();
        for await (const chunk of response.body!) text += decoder.decode(chunk, { stream: true });
      })().catch(() => undefined);
      return {
        status: response.status,
        heartbeats: () => (text.match(/^: heartbeat /gm) ?? []).length,
        close: () => controller.abort(),
      };
    };
    const streams = await Promise.all([open(), open(), open()]);
    expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200]);
    streams[1]!.close();
    const [first, , third] = streams;
    expect(await waitFor(() => first!.heartbeats() >= 2 && third!.heartbeats() >= 2)).toBe(true);
    first!.close();
    third!.close();
  }, 30_000);
});
