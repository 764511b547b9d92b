import {
  type PlatformUnderTest,
  type TestClient,
  answer,
  createTestClient,
  register,
  sibling,
  startPlatformUnderTest,
} from "@parley/test-support";

describe("a new user's journey through the gateway (real processes)", () => {
  let platform: PlatformUnderTest;
  let api: TestClient;
  const username = `ada${Date.now().toString(36)}`;
  const password = "correct horse battery staple";

  beforeAll(async () => {
    platform = await startPlatformUnderTest();
    api = createTestClient(platform.gatewayUrl);
  });
  afterAll(() => platform.teardown());

  it("when a user registers, logs in, refreshes and logs out, then each step answers as documented", async () => {
    const registered = await api.POST("/v1/auth/register", { body: { username, password } });
    expect(registered.response.status).toBe(201);
    const user = registered.data!.user;
    expect(user.username).toBe(username);

    const again = answer(
      await api.POST("/v1/auth/register", { body: { username: username.toUpperCase(), password } }),
    );
    expect(again.status).toBe(409);
    expect(again.contentType).toBe("application/problem+json");

    const wrong = await api.POST("/v1/auth/login", { body: { username, password: "wrong password!" } });
    expect(wrong.response.status).toBe(401);
    const unknown = await api.POST("/v1/auth/login", {
      body: { username: "nobody-here", password: "wrong password!" },
    });
    expect(unknown.response.status).toBe(401);
    expect(unknown.error?.detail).toBe(wrong.error?.detail);

    const login = await api.POST("/v1/auth/login", { body: { username, password } });
    expect(login.response.status).toBe(200);
    const { tokens } = login.data!;
    const asUser = { headers: { authorization: `Bearer ${tokens.accessToken}` } };

    const me = await api.GET("/v1/users/me", asUser);
    expect(me.response.status).toBe(200);
    expect(me.data).toMatchObject({ id: user.id, username });
    const ping = await api.GET("/v1/ping", asUser);
    expect(ping.response.status).toBe(200);
    expect(ping.data).toEqual({ status: "ok" });

    const refreshed = await api.POST("/v1/auth/refresh", { body: { refreshToken: tokens.refreshToken } });
    expect(refreshed.response.status).toBe(200);
    const next = refreshed.data!;
    expect(next.refreshToken).not.toBe(tokens.refreshToken);

    const asNext = { headers: { authorization: `Bearer ${next.accessToken}` } };
    const loggedOut = await api.POST("/v1/auth/logout", asNext);
    expect(loggedOut.response.status).toBe(204);
    const afterLogout = await api.GET("/v1/users/me", asNext);
    expect(afterLogout.response.status).toBe(401);
    expect(afterLogout.response.headers.get("www-authenticate")).toContain("Bearer");
    expect((await api.GET("/v1/ping", asNext)).response.status).toBe(401);
    const reuse = await api.POST("/v1/auth/refresh", { body: { refreshToken: next.refreshToken } });
    expect(reuse.response.status).toBe(401);
  });

  it("when a signed-in client's access token is refused, then it refreshes once and the call goes through", async () => {
    const client = sibling(api);
    const { data } = await client.POST("/v1/auth/register", { body: { username: `${username}r`, password } });
    // A session whose access token no longer verifies, but whose refresh token is good.
    client.session.set({ accessToken: "not-a-token", refreshToken: data!.tokens.refreshToken });
    const me = await client.GET("/v1/users/me");
    expect(me.response.status).toBe(200);
    expect(me.data?.username).toBe(`${username}r`);
    expect(client.session.tokens?.refreshToken).not.toBe(data!.tokens.refreshToken);

    // Once the refresh token is spent elsewhere, the session is over: a 401 and no tokens kept.
    await api.POST("/v1/auth/refresh", { body: { refreshToken: client.session.tokens!.refreshToken } });
    client.session.set({ accessToken: "not-a-token", refreshToken: client.session.tokens!.refreshToken });
    expect((await client.GET("/v1/users/me")).response.status).toBe(401);
    expect(client.session.tokens).toBeUndefined();
  });

  it("when the key set is fetched, then it matches the kid of issued tokens", async () => {
    const { data } = await api.POST("/v1/auth/register", { body: { username: `${username}x`, password } });
    const kid = JSON.parse(Buffer.from(data!.tokens.accessToken.split(".")[0]!, "base64url").toString())
      .kid as string;
    const jwks = await api.GET("/.well-known/jwks.json");
    expect(jwks.response.status).toBe(200);
    expect(jwks.data!.keys.map((key) => key.kid)).toContain(kid);
  });

  it("when every response carries a request id, then a client-chosen one is echoed", async () => {
    const response = await api.GET("/v1/users/me", { headers: { "x-request-id": "trace-me-123" } });
    expect(response.response.status).toBe(401);
    expect(response.response.headers.get("x-request-id")).toBe("trace-me-123");
    expect(response.error?.requestId).toBe("trace-me-123");
  });

  it("when the services logged the journey, then no password or token appears in their logs", () => {
    const text = platform.logs.map(({ line }) => line).join("\n");
    expect(text).toContain("grpc call");
    expect(text).toContain("http request");
    expect(text).not.toContain(password);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it("when a member lists a group's members or adds one, then each member comes with their username", async () => {
    const client = createTestClient(platform.gatewayUrl);
    const [ada, bob, carol] = [
      await register(client, "ada"),
      await register(client, "bob"),
      await register(client, "carol"),
    ];
    const group = await ada.api.POST("/v1/conversations", { body: { title: "Trio", memberIds: [bob.id] } });
    const conversationId = group.data!.id;
    const listed = await bob.api.GET("/v1/conversations/{conversationId}/members", {
      params: { path: { conversationId } },
    });
    expect(listed.data!.members.map((m) => [m.userId, m.username, m.role])).toEqual([
      [ada.id, ada.username, "admin"],
      [bob.id, bob.username, "member"],
    ]);
    const added = await ada.api.POST("/v1/conversations/{conversationId}/members", {
      params: { path: { conversationId } },
      body: { userIds: [carol.id] },
    });
    expect(added.data!.members.map((m) => m.username)).toEqual([ada.username, bob.username, carol.username]);
  });
});
