import { randomUUID } from "node:crypto";
import {
  type Account,
  type ApiResponse,
  type PlatformUnderTest,
  directConversation,
  register,
  sendMessage,
} from "@parley/test-support";
import { findSecretsInLogs } from "../harness/secrets";
import { SecurityClient, expectProblem, startSecurityPlatform } from "./support";

/** A 429 as promised: a problem document and a Retry-After of whole seconds. */
function expectRateLimited(response: ApiResponse) {
  expectProblem(response, 429);
  expect(response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
}

/**
 * OWASP API4 (unrestricted resource consumption): page sizes, body sizes, message length, list
 * lengths and request rates are bounded. This platform runs with small rate limits on purpose.
 */
describe("limits: sizes and request rates are bounded (real processes, small rate limits)", () => {
  let platform: PlatformUnderTest;
  let api: SecurityClient;
  let pager: Account;
  let writer: Account;
  let reader: Account;
  let conversation: string;
  const perMinute = 40;

  beforeAll(async () => {
    platform = await startSecurityPlatform({
      RATE_LIMIT_PER_MINUTE: String(perMinute),
      RATE_LIMIT_AUTH_PER_MINUTE: "12",
      AUTH_LOGIN_ATTEMPTS_PER_15_MIN: "3",
    });
    api = new SecurityClient(platform.gatewayUrl);
    [pager, writer, reader] = [
      await register(api.client, "pager"),
      await register(api.client, "writer"),
      await register(api.client, "reader"),
    ];
    conversation = await directConversation(writer, reader);
  }, 60_000);

  afterAll(() => platform.teardown());

  it("when a page size is out of range, huge or not a number, then 400; the largest allowed size is served", async () => {
    for (const value of [
      "101",
      "0",
      "-1",
      "1e309",
      "99999999999999999999",
      "1.5",
      "NaN",
      "",
      "100; DROP TABLE x",
    ]) {
      for (const [path, name] of [
        ["/v1/conversations", "pageSize"],
        ["/v1/notifications", "pageSize"],
        [`/v1/conversations/${conversation}/messages`, "limit"],
      ] as const) {
        if (path.includes("messages") && value === "") continue;
        const response = await api.request("get", `${path}?${name}=${encodeURIComponent(value)}`, {
          token: path.includes("messages") ? writer.token : pager.token,
          template: path.includes("messages") ? "/v1/conversations/{conversationId}/messages" : path,
        });
        if (value === "") continue; // an empty value is treated as absent by some routes; never a 5xx
        expectProblem(response, 400);
      }
    }
    const largest = await api.request("get", "/v1/notifications?pageSize=100", {
      token: reader.token,
      template: "/v1/notifications",
    });
    expect(largest.status).toBe(200);
  });

  it("when a body is over 64 KiB, then 413 before anything is parsed", async () => {
    const response = await api.request("post", `/v1/conversations/${conversation}/messages`, {
      token: writer.token,
      rawBody: JSON.stringify({ body: "x".repeat(64 * 1024) }),
      headers: { "content-type": "application/json", "idempotency-key": randomUUID() },
      template: "/v1/conversations/{conversationId}/messages",
    });
    expectProblem(response, 413);
  });

  it("when a message is longer than 4000 characters, empty or blank, then 400; 4000 emoji are accepted", async () => {
    expect((await sendMessage(writer, conversation, "🦜".repeat(4000))).status).toBe(201);
    for (const body of ["🦜".repeat(4001), "x".repeat(4001), "", "   \n\t "]) {
      expectProblem((await sendMessage(writer, conversation, body)).response, 400);
    }
  });

  it("when lists in a request are too long (members, presence ids, title, idempotency key), then 400", async () => {
    const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
    const refusals = [
      await api.request("post", "/v1/conversations", {
        token: writer.token,
        body: { title: "big", memberIds: ids(256) },
      }),
      await api.request("post", "/v1/conversations", {
        token: writer.token,
        body: { title: "t".repeat(101) },
      }),
      await api.request("get", `/v1/presence?userIds=${ids(101).join(",")}`, {
        token: writer.token,
        template: "/v1/presence",
      }),
      (await sendMessage(writer, conversation, "hello", "k".repeat(129))).response,
    ];
    for (const response of refusals) expectProblem(response, 400);
  });

  it("when one user sends more requests a minute than allowed, then 429 with Retry-After, and other users are not affected", async () => {
    const statuses: ApiResponse[] = [];
    for (let i = 0; i < perMinute + 5; i += 1)
      statuses.push(await api.request("get", "/v1/users/me", { token: pager.token }));
    const limited = statuses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const response of limited) expectRateLimited(response);
    expect(statuses.filter((r) => r.status !== 429 && r.status !== 200)).toEqual([]);
    expect((await api.request("get", "/v1/users/me", { token: reader.token })).status).toBe(200);
  });

  it("when requests keep coming with a bad token, then they are rate limited too (no free unauthenticated load)", async () => {
    const forged = `${pager.token.slice(0, -4)}AAAA`;
    const statuses: number[] = [];
    for (let i = 0; i < perMinute + 5; i += 1) {
      const response = await api.request("get", "/v1/conversations", { token: forged });
      statuses.push(response.status);
      if (response.status === 429) expectRateLimited(response);
    }
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses).toContain(429);
  });

  it("when a username gets too many wrong passwords, then sign-in is refused with 429 and Retry-After, even with the right one", async () => {
    const victim = await register(api.client, "victim");
    for (let i = 0; i < 3; i += 1) {
      const wrong = await api.request("post", "/v1/auth/login", {
        body: { username: victim.username, password: "wrong password!" },
      });
      expectProblem(wrong, 401);
    }
    const locked = await api.request("post", "/v1/auth/login", {
      body: { username: victim.username, password: victim.password },
    });
    expectRateLimited(locked);
  });

  it("when one address calls the sign-in routes too often, then 429 with Retry-After", async () => {
    const statuses: ApiResponse[] = [];
    for (let i = 0; i < 15; i += 1) {
      statuses.push(await api.request("post", "/v1/auth/refresh", { body: { refreshToken: randomUUID() } }));
    }
    const limited = statuses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const response of limited) expectRateLimited(response);
  });

  it("when all that is over, then no answer leaked internals, no log line holds a secret, every service is ready", async () => {
    expect(api.leaks).toEqual([]);
    expect(findSecretsInLogs(platform.logs, [pager, writer, reader])).toEqual([]);
    for (const replica of [...platform.processes.values()].flat())
      expect((await fetch(`http://127.0.0.1:${replica.adminPort}/readyz`)).status).toBe(200);
  });
});
