import { type PlatformUnderTest, startPlatformUnderTest, uniqueName } from "@parley/test-support";

const password = "correct horse battery staple";
const cookieSession = { "content-type": "application/json", "Parley-Session": "cookie" };

/** The `parley_refresh` cookie a response sets: its value and attributes. */
function refreshCookieOf(response: Response) {
  const header = response.headers.get("set-cookie") ?? "";
  const [pair = "", ...attributes] = header.split(/;\s*/);
  const [name, value] = pair.split("=");
  return { name, value, attributes: attributes.map((a) => a.toLowerCase()) };
}

describe("a browser session: the refresh token in an HttpOnly cookie (real processes)", () => {
  let platform: PlatformUnderTest;
  const post = (path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) =>
    fetch(`${platform.gatewayUrl}${path}`, {
      method: "POST",
      headers: init.headers ?? { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  beforeAll(async () => {
    platform = await startPlatformUnderTest();
  }, 60_000);
  afterAll(() => platform.teardown());

  it("when a browser registers, refreshes and signs out in cookie mode, then no refresh token reaches the page and each cookie works once", async () => {
    const username = uniqueName("web").slice(0, 30);
    const registered = await post("/v1/auth/register", {
      headers: cookieSession,
      body: { username, password },
    });
    expect(registered.status).toBe(201);
    const session = (await registered.json()) as { tokens: Record<string, unknown> };
    expect(session.tokens).not.toHaveProperty("refreshToken");
    expect(session.tokens.accessToken).toEqual(expect.any(String));
    const first = refreshCookieOf(registered);
    expect(first.name).toBe("parley_refresh");
    expect(first.attributes).toEqual(
      expect.arrayContaining([
        "httponly",
        "samesite=strict",
        "path=/v1/auth",
        expect.stringMatching(/^expires=/),
      ]),
    );

    // Without the header, a cookie alone (what a cross-site form could send) refreshes nothing.
    const forged = await post("/v1/auth/refresh", {
      headers: { "content-type": "application/json", cookie: `parley_refresh=${first.value}` },
      body: {},
    });
    expect(forged.status).toBe(401);

    const refreshed = await post("/v1/auth/refresh", {
      headers: { ...cookieSession, cookie: `parley_refresh=${first.value}` },
      body: {},
    });
    expect(refreshed.status).toBe(200);
    const tokens = (await refreshed.json()) as { accessToken: string };
    expect(tokens).not.toHaveProperty("refreshToken");
    const second = refreshCookieOf(refreshed);
    expect(second.value).not.toBe(first.value);

    const replayed = await post("/v1/auth/refresh", {
      headers: { ...cookieSession, cookie: `parley_refresh=${first.value}` },
      body: {},
    });
    expect(replayed.status).toBe(401);
  });

  it("when a browser signs in and then out in cookie mode, then sign-out clears the cookie", async () => {
    const username = uniqueName("web").slice(0, 30);
    await post("/v1/auth/register", { body: { username, password } });
    const login = await post("/v1/auth/login", { headers: cookieSession, body: { username, password } });
    expect(login.status).toBe(200);
    const { tokens } = (await login.json()) as { tokens: { accessToken: string } };
    const logout = await post("/v1/auth/logout", {
      headers: { ...cookieSession, authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(logout.status).toBe(204);
    const cleared = refreshCookieOf(logout);
    expect([cleared.name, cleared.value]).toEqual(["parley_refresh", ""]);
    expect(cleared.attributes).toContain("expires=thu, 01 jan 1970 00:00:00 gmt");
  });

  it("when a browser with no session asks to resume, then it gets 401 with words a person can read", async () => {
    const response = await post("/v1/auth/refresh", { headers: cookieSession, body: {} });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ detail: "This browser holds no session: sign in." });
  });
});
