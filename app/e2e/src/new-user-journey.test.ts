import { ApiClient, type PlatformUnderTest, startPlatformUnderTest } from "@parley/test-support";

interface Session {
  user: { id: string; username: string };
  tokens: { accessToken: string; refreshToken: string };
}

describe("a new user's journey through the gateway (real processes)", () => {
  let platform: PlatformUnderTest;
  let api: ApiClient;
  const username = `ada${Date.now().toString(36)}`;
  const password = "correct horse battery staple";

  beforeAll(async () => {
    platform = await startPlatformUnderTest();
    api = new ApiClient(platform.gatewayUrl);
  });
  afterAll(() => platform.teardown());

  it("when a user registers, logs in, refreshes and logs out, then each step answers as documented", async () => {
    const registered = await api.request("post", "/v1/auth/register", { body: { username, password } });
    expect(registered.status).toBe(201);
    const { user } = registered.body as Session;
    expect(user.username).toBe(username);

    const again = await api.request("post", "/v1/auth/register", {
      body: { username: username.toUpperCase(), password },
    });
    expect(again.status).toBe(409);
    expect(again.contentType).toBe("application/problem+json");

    const wrong = await api.request("post", "/v1/auth/login", {
      body: { username, password: "wrong password!" },
    });
    expect(wrong.status).toBe(401);
    const unknown = await api.request("post", "/v1/auth/login", {
      body: { username: "nobody-here", password: "wrong password!" },
    });
    expect(unknown.status).toBe(401);
    expect((unknown.body as { detail: string }).detail).toBe((wrong.body as { detail: string }).detail);

    const login = await api.request("post", "/v1/auth/login", { body: { username, password } });
    expect(login.status).toBe(200);
    const { tokens } = login.body as Session;

    const me = await api.request("get", "/v1/users/me", { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, username });
    const ping = await api.request("get", "/v1/ping", { token: tokens.accessToken });
    expect(ping.status).toBe(200);
    expect(ping.body).toEqual({ status: "ok" });

    const refreshed = await api.request("post", "/v1/auth/refresh", {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const next = refreshed.body as Session["tokens"];
    expect(next.refreshToken).not.toBe(tokens.refreshToken);

    const loggedOut = await api.request("post", "/v1/auth/logout", { token: next.accessToken });
    expect(loggedOut.status).toBe(204);
    const afterLogout = await api.request("get", "/v1/users/me", { token: next.accessToken });
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.headers.get("www-authenticate")).toContain("Bearer");
    expect((await api.request("get", "/v1/ping", { token: next.accessToken })).status).toBe(401);
    const reuse = await api.request("post", "/v1/auth/refresh", {
      body: { refreshToken: next.refreshToken },
    });
    expect(reuse.status).toBe(401);
  });

  it("when the key set is fetched, then it matches the kid of issued tokens", async () => {
    const login = await api.request("post", "/v1/auth/register", {
      body: { username: `${username}x`, password },
    });
    const { tokens } = login.body as Session;
    const kid = JSON.parse(Buffer.from(tokens.accessToken.split(".")[0]!, "base64url").toString())
      .kid as string;
    const jwks = await api.request("get", "/.well-known/jwks.json");
    expect(jwks.status).toBe(200);
    expect((jwks.body as { keys: { kid: string }[] }).keys.map((key) => key.kid)).toContain(kid);
  });

  it("when every response carries a request id, then a client-chosen one is echoed", async () => {
    const response = await api.request("get", "/v1/users/me", {
      headers: { "x-request-id": "trace-me-123" },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-request-id")).toBe("trace-me-123");
    expect((response.body as { requestId: string }).requestId).toBe("trace-me-123");
  });

  it("when the services logged the journey, then no password or token appears in their logs", () => {
    const text = platform.logs.map(({ line }) => line).join("\n");
    expect(text).toContain("grpc call");
    expect(text).toContain("http request");
    expect(text).not.toContain(password);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});
