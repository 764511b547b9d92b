import { type PlatformUnderTest, rabbitmq, startPlatformUnderTest } from "@parley/test-support";
import { type Account, directConversation, register, sendMessage } from "./accounts";
import { ApiClient } from "./api-client";
import { SseClient } from "./sse-client";

/** Stops the broker under a running platform: nothing accepted may be lost. Runs alone (see jest.config.js). */
describe("a broker outage loses nothing (real processes; stops the local RabbitMQ)", () => {
  let platform: PlatformUnderTest;
  let api: ApiClient;
  let ada: Account;
  let bob: Account;
  let conversation: string;

  beforeAll(async () => {
    platform = await startPlatformUnderTest();
    api = new ApiClient(platform.gatewayUrl);
    [ada, bob] = [await register(api, "ada"), await register(api, "bob")];
    conversation = await directConversation(api, ada, bob);
  }, 60_000);

  afterAll(() => platform.teardown(), 60_000);

  it("when RabbitMQ is stopped, then sends and sign-ups still succeed, and after it starts every event is delivered exactly once", async () => {
    const stream = new SseClient(`${platform.gatewayUrl}/v1/notifications/stream`, bob.token);
    expect(await stream.connect()).toBe(200);
    const sent: string[] = [];
    let newcomer: Account | undefined;
    await rabbitmq.stopApp();
    try {
      for (let i = 0; i < 5; i += 1) {
        const { status, id } = await sendMessage(api, ada, conversation, `during the outage ${i}`);
        expect(status).toBe(201);
        sent.push(id!);
      }
      newcomer = await register(api, "newcomer");
    } finally {
      await rabbitmq.startApp();
    }

    const received = () =>
      stream
        .notifications()
        .flatMap((n) => (n.kind === "message_received" && n.detail.messageId ? [n.detail.messageId] : []));
    expect(await stream.waitFor(() => sent.every((id) => received().includes(id)), 60_000)).toBe(true);
    expect(received().filter((id) => sent.includes(id))).toEqual(sent);

    const kinds = async () =>
      (
        (await api.request("get", "/v1/notifications", { token: newcomer!.token })).body as {
          notifications: { kind: string }[];
        }
      ).notifications.map((n) => n.kind);
    let welcomed = false;
    for (let i = 0; i < 100 && !welcomed; i += 1) {
      welcomed = (await kinds()).includes("welcome");
      if (!welcomed) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(welcomed).toBe(true);
    stream.close();
  }, 180_000);
});
