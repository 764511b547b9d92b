import { readFile } from "node:fs/promises";
import { type authV1, eventsV1 } from "@parley/contracts";
import { bearerMetadata, callUnary } from "@parley/grpc";
import { createLogger } from "@parley/logger";
import { topologyNames } from "@parley/event-bus";
import {
  deleteTopology,
  dropSchemas,
  eventually,
  openTestChannel,
  uniqueName,
  watchExchange,
} from "@parley/test-support";
import jwt from "jsonwebtoken";
import { type AuthUnderTest, startAuthUnderTest } from "./test-support/auth-under-test";

const logger = createLogger({ service: "auth-test", level: "silent" });

describe("auth service over gRPC (real PostgreSQL)", () => {
  const schema = uniqueName("auth_test");
  const namespace = uniqueName("authtest");
  const names = topologyNames(namespace);
  let observer: Awaited<ReturnType<typeof openTestChannel>>;
  let events: Awaited<ReturnType<typeof watchExchange>>;
  let auth: AuthUnderTest;
  let client: authV1.AuthServiceClient;
  const name = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    observer = await openTestChannel();
    events = await watchExchange(observer.channel, names.events, ["user.*"]);
    auth = await startAuthUnderTest({
      schema,
      namespace,
      logger,
      kid: "2026-11",
      env: { AUTH_LOGIN_ATTEMPTS_PER_15_MIN: "3" },
    });
    client = auth.client;
  });

  afterAll(async () => {
    await auth.stop();
    await deleteTopology(observer.channel, [], [names.events]);
    await observer.connection.close();
    await dropSchemas(schema);
  });

  const register = (username: string, password = "correct horse battery") =>
    callUnary(client, "register", { username, password });
  const login = (username: string, password: string, clientAddress = "192.0.2.1") =>
    callUnary(client, "login", { username, password, clientAddress });
  const verify = (accessToken: string) => callUnary(client, "verifyToken", { accessToken });

  it("when a user registers, then they get a user and a working token pair", async () => {
    const username = name("ada");
    const { user, tokens } = await register(username);
    expect(user).toMatchObject({ username });
    expect(user?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens?.accessTokenExpiresIn).toBe(900);
    await expect(verify(tokens!.accessToken)).resolves.toMatchObject({ userId: user!.id });
  });

  it("when a username is taken in any letter case, then registering again is ALREADY_EXISTS", async () => {
    const username = name("grace");
    await register(username);
    await expect(register(username.toUpperCase())).rejects.toMatchObject({
      kind: "already_exists",
      message: "That username is taken.",
    });
  });

  it("when the username or password breaks the rules, then INVALID_ARGUMENT says which", async () => {
    await expect(register("x")).rejects.toMatchObject({
      kind: "invalid_argument",
      message: expect.stringContaining("username"),
    });
    await expect(register(name("u"), "short")).rejects.toMatchObject({
      kind: "invalid_argument",
      message: expect.stringContaining("password"),
    });
  });

  it("when a user logs in with the right password in another case of username, then they get tokens", async () => {
    const username = name("linus");
    await register(username, "a long enough password");
    const { user, tokens } = await login(username.toUpperCase(), "a long enough password", "192.0.2.10");
    expect(user?.username).toBe(username);
    await expect(verify(tokens!.accessToken)).resolves.toMatchObject({ userId: user!.id });
  });

  it("when the password is wrong or the user unknown, then both get the same UNAUTHENTICATED answer", async () => {
    const username = name("alan");
    await register(username);
    const wrong = await login(username, "not the password", "192.0.2.20").catch((e: unknown) => e);
    const unknown = await login(name("nobody"), "not the password", "192.0.2.21").catch((e: unknown) => e);
    expect(wrong).toMatchObject({ kind: "unauthenticated", message: "Invalid username or password." });
    expect(unknown).toMatchObject({ kind: "unauthenticated", message: "Invalid username or password." });
  });

  it("when the username is no possible name (NUL, too long, spaces), then the same UNAUTHENTICATED answer, not an error", async () => {
    for (const [i, username] of ["a\u0000b", "x".repeat(64), "two words", ""].entries()) {
      await expect(login(username, "not the password", `192.0.2.3${i}`)).rejects.toMatchObject({
        kind: "unauthenticated",
        message: "Invalid username or password.",
      });
    }
  });

  it("when a username fails too often, then even the right password must wait (RESOURCE_EXHAUSTED with a retry hint)", async () => {
    const username = name("target");
    await register(username);
    for (let i = 0; i < 3; i += 1) {
      await expect(login(username, `wrong guess ${i}`, `198.51.100.${i}`)).rejects.toMatchObject({
        kind: "unauthenticated",
      });
    }
    const error = await login(username, "correct horse battery", "198.51.100.99").catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "resource_exhausted" });
    expect((error as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(800);
  });

  it("when one address fails too often across usernames, then that address must wait", async () => {
    for (let i = 0; i < 3; i += 1) {
      await expect(login(name("spray"), "guess guess", "203.0.113.7")).rejects.toMatchObject({
        kind: "unauthenticated",
      });
    }
    const username = name("victim");
    await register(username);
    await expect(login(username, "correct horse battery", "203.0.113.7")).rejects.toMatchObject({
      kind: "resource_exhausted",
    });
    await expect(login(username, "correct horse battery", "203.0.113.8")).resolves.toMatchObject({
      user: { username },
    });
  });

  it("when a refresh token is used, then a new pair comes back and the old refresh token is spent", async () => {
    const { tokens } = await register(name("rot"));
    const { tokens: next } = await callUnary(client, "refresh", { refreshToken: tokens!.refreshToken });
    expect(next?.refreshToken).not.toBe(tokens!.refreshToken);
    await expect(verify(next!.accessToken)).resolves.toBeDefined();
    await expect(callUnary(client, "refresh", { refreshToken: next!.refreshToken })).resolves.toBeDefined();
  });

  it("when a spent refresh token is presented again, then the whole session is revoked", async () => {
    const { tokens } = await register(name("reuse"));
    const { tokens: second } = await callUnary(client, "refresh", { refreshToken: tokens!.refreshToken });
    await expect(callUnary(client, "refresh", { refreshToken: tokens!.refreshToken })).rejects.toMatchObject({
      kind: "unauthenticated",
    });
    // The thief's replay killed the family: the legitimate holder's newer tokens stop working too.
    await expect(callUnary(client, "refresh", { refreshToken: second!.refreshToken })).rejects.toMatchObject({
      kind: "unauthenticated",
    });
    await expect(verify(second!.accessToken)).rejects.toMatchObject({ kind: "unauthenticated" });
  });

  it("when a user logs out, then the session's access and refresh tokens stop working", async () => {
    const { tokens } = await register(name("bye"));
    await callUnary(client, "logout", {}, { metadata: bearerMetadata(tokens!.accessToken) });
    await expect(verify(tokens!.accessToken)).rejects.toMatchObject({ kind: "unauthenticated" });
    await expect(callUnary(client, "refresh", { refreshToken: tokens!.refreshToken })).rejects.toMatchObject({
      kind: "unauthenticated",
    });
    await expect(
      callUnary(client, "logout", {}, { metadata: bearerMetadata(tokens!.accessToken) }),
    ).rejects.toMatchObject({
      kind: "unauthenticated",
    });
  });

  it("when a token is expired, tampered with or unsigned (alg none), then it is refused", async () => {
    const { user, tokens } = await register(name("forge"));
    const key = await readFile(auth.signingKey.path);
    const claims = jwt.decode(tokens!.accessToken) as jwt.JwtPayload;
    const expired = jwt.sign({ sid: claims.sid }, key, {
      algorithm: "ES256",
      keyid: auth.signingKey.kid,
      subject: user!.id,
      issuer: "parley-auth",
      audience: "parley",
      expiresIn: -120,
    });
    await expect(verify(expired)).rejects.toMatchObject({
      kind: "unauthenticated",
      message: "Access token expired.",
    });

    const [header, payload, signature] = tokens!.accessToken.split(".");
    const changed = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload!, "base64url").toString()),
        sub: "00000000-0000-4000-8000-000000000000",
      }),
    ).toString("base64url");
    await expect(verify(`${header}.${changed}.${signature}`)).rejects.toMatchObject({
      kind: "unauthenticated",
    });

    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT", kid: "2026-11" })).toString(
      "base64url",
    );
    await expect(verify(`${none}.${payload}.`)).rejects.toMatchObject({ kind: "unauthenticated" });
  });

  it("when the JWKS is asked for, then it holds the public key only", async () => {
    const { keys } = await callUnary(client, "getJwks", {});
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kid: "2026-11", kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(JSON.stringify(keys)).not.toMatch(/"d"/);
  });

  it("when users are looked up with a valid token, then they come back by id and by username", async () => {
    const { user, tokens } = await register(name("look"));
    const metadata = bearerMetadata(tokens!.accessToken);
    const { users } = await callUnary(
      client,
      "getUsers",
      { ids: [user!.id, "00000000-0000-4000-8000-000000000000"] },
      { metadata },
    );
    expect(users.map((u) => u.id)).toEqual([user!.id]);
    await expect(
      callUnary(client, "getUserByUsername", { username: user!.username.toUpperCase() }, { metadata }),
    ).resolves.toMatchObject({ user: { id: user!.id } });
    await expect(
      callUnary(client, "getUserByUsername", { username: "no-such-user" }, { metadata }),
    ).rejects.toMatchObject({
      kind: "not_found",
    });
    await expect(callUnary(client, "getUsers", { ids: [user!.id] })).rejects.toMatchObject({
      kind: "unauthenticated",
    });
    await expect(callUnary(client, "getUsers", { ids: ["not-a-uuid"] }, { metadata })).rejects.toMatchObject({
      kind: "invalid_argument",
    });
  });

  it("when a user registers and logs in, then user.registered and user.logged_in are published after commit", async () => {
    const username = name("evt");
    const { user } = await register(username);
    const { tokens } = await login(username, "correct horse battery", "192.0.2.99");
    const sessionId = (jwt.decode(tokens!.accessToken) as jwt.JwtPayload).sid as string;
    const mine = () =>
      events.messages.filter((m) => {
        const payload =
          m.fields.routingKey === "user.registered"
            ? eventsV1.UserRegistered.decode(m.content)
            : eventsV1.UserLoggedIn.decode(m.content);
        return payload.userId === user!.id;
      });
    await eventually(() => mine().length >= 2);
    const found = mine();
    expect(found.map((m) => m.fields.routingKey).sort()).toEqual(["user.logged_in", "user.registered"]);
    const loggedIn = found.find((m) => m.fields.routingKey === "user.logged_in")!;
    expect(eventsV1.UserLoggedIn.decode(loggedIn.content)).toMatchObject({ userId: user!.id, sessionId });
    const registered = found.find((m) => m.fields.routingKey === "user.registered")!;
    expect(eventsV1.UserRegistered.decode(registered.content).username).toBe(username);
  });

  it("when registration fails on a taken username, then no user.registered event is published for it", async () => {
    const username = name("dup");
    await register(username);
    await expect(register(username)).rejects.toMatchObject({ kind: "already_exists" });
    // The relay publishes in commit order, so once a later registration's event is here, any
    // event of the failed one would be too.
    const marker = name("marker");
    await register(marker);
    const registeredNames = () =>
      events.messages
        .filter((m) => m.fields.routingKey === "user.registered")
        .map((m) => eventsV1.UserRegistered.decode(m.content).username);
    expect(await eventually(() => registeredNames().includes(marker))).toBe(true);
    const registrations = events.messages.filter(
      (m) =>
        m.fields.routingKey === "user.registered" &&
        eventsV1.UserRegistered.decode(m.content).username === username,
    );
    expect(registrations).toHaveLength(1);
  });
});
