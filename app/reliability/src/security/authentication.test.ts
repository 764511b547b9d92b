import { createPrivateKey, createPublicKey } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type Account,
  type Operation,
  type PlatformUnderTest,
  operationsOf,
  register,
} from "@parley/test-support";
import { findSecretsInLogs } from "../harness/secrets";
import { attackerKey, claimsOf, signEs256, signHs256, tampered, unsigned } from "./forged-tokens";
import { SecurityClient, expectProblem, startSecurityPlatform } from "./support";

/** The only details a refused token may get: nothing about which check failed or why. */
const ALLOWED_DETAILS = ["Missing or invalid access token.", "Access token expired."];
/** Words that would tell an attacker which part of a forged token was caught. */
const REVEALING = /\b(kid|alg|algorithm|issuer|audience|signature|nbf|not before|session|jwks|key)\b/i;

describe("authentication: every route refuses a bad token with a bare 401 (real processes)", () => {
  let platform: PlatformUnderTest;
  let api: SecurityClient;
  let operations: Operation[];
  let ada: Account;
  let bob: Account;
  const tokens = new Map<string, string | undefined>();
  const extraSecrets: { kind: string; value: string }[] = [];

  beforeAll(async () => {
    platform = await startSecurityPlatform();
    api = new SecurityClient(platform.gatewayUrl);
    operations = (await operationsOf(api.client)).filter((op) => op.authenticated);
    [ada, bob] = [await register(api.client, "ada"), await register(api.client, "bob")];

    const key = createPrivateKey(await readFile(join(platform.keysDir, "test-1.pem")));
    const publicPem = createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
    const now = Math.floor(Date.now() / 1000);
    const real = claimsOf(ada.token);
    const claims = { ...real, iat: now, exp: now + 600 };
    const kid = { kid: "test-1" };

    // A session that ended through logout, and one revoked because its refresh token was reused.
    const carl = await register(api.client, "carl");
    expect((await api.request("post", "/v1/auth/logout", { token: carl.token })).status).toBe(204);
    const dave = await register(api.client, "dave");
    const refreshed = await api.request("post", "/v1/auth/refresh", {
      body: { refreshToken: dave.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const reuse = await api.request("post", "/v1/auth/refresh", {
      body: { refreshToken: dave.refreshToken },
    });
    expectProblem(reuse, 401);
    const daveNext = refreshed.body as { accessToken: string; refreshToken: string };
    extraSecrets.push(
      { kind: "access token", value: daveNext.accessToken },
      { kind: "refresh token", value: daveNext.refreshToken },
    );

    tokens.set("no token at all", undefined);
    tokens.set("a token that is no JWT", "not.a.jwt");
    tokens.set("an empty bearer", "");
    tokens.set("an expired token", signEs256(kid, { ...claims, iat: now - 7200, exp: now - 3600 }, key));
    tokens.set("a token not valid yet", signEs256(kid, { ...claims, nbf: now + 3600 }, key));
    tokens.set("a token of another issuer", signEs256(kid, { ...claims, iss: "someone-else" }, key));
    tokens.set("a token for another audience", signEs256(kid, { ...claims, aud: "another-api" }, key));
    tokens.set("a token without expiry", signEs256(kid, { ...claims, exp: undefined }, key));
    tokens.set("alg: none", unsigned(kid, claims));
    tokens.set("HS256 signed with the public key", signHs256(kid, claims, publicPem));
    tokens.set("an unknown kid", signEs256({ kid: "attacker-1" }, claims, attackerKey()));
    tokens.set("the right kid with another key", signEs256(kid, claims, attackerKey()));
    tokens.set("a tampered payload (bob's id)", tampered(ada.token, { sub: bob.id }));
    tokens.set("a token of a logged-out session", carl.token);
    tokens.set("a token of a session revoked for refresh reuse", daveNext.accessToken);
    tokens.set("the first token of that revoked session", dave.token);
    for (const token of tokens.values()) if (token) extraSecrets.push({ kind: "forged token", value: token });
  }, 60_000);

  afterAll(() => platform.teardown());

  it("when a valid token is sent, then the control request is served (the refusals below are about the token)", async () => {
    expect((await api.request("get", "/v1/users/me", { token: ada.token })).status).toBe(200);
  });

  it("when the document is read, then it lists the authenticated operations under test", () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
  });

  it.each([
    "no token at all",
    "a token that is no JWT",
    "an empty bearer",
    "an expired token",
    "a token not valid yet",
    "a token of another issuer",
    "a token for another audience",
    "a token without expiry",
    "alg: none",
    "HS256 signed with the public key",
    "an unknown kid",
    "the right kid with another key",
    "a tampered payload (bob's id)",
    "a token of a logged-out session",
    "a token of a session revoked for refresh reuse",
    "the first token of that revoked session",
  ])("when every authenticated route gets %s, then 401 with no detail of why", async (kind) => {
    const token = tokens.get(kind);
    for (const op of operations) {
      const headers: Record<string, string> = token === "" ? { authorization: "Bearer " } : {};
      const response = await api.request(
        op.method,
        op.template.replace(/\{[^}]+\}/g, "8b0e4a5c-6c3c-4ad4-9a64-3f3f7a8d2f10"),
        {
          token: token || undefined,
          headers,
          template: op.template,
          body: op.bodySchema ? {} : undefined,
          timeoutMs: 10_000,
        },
      );
      expectProblem(response, 401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
      const { detail, errors } = response.body as { detail: string; errors?: unknown };
      expect(ALLOWED_DETAILS).toContain(detail);
      expect(errors).toBeUndefined();
      expect(JSON.stringify(response.body)).not.toMatch(REVEALING);
    }
  });

  it("when a refresh token is used twice, then the second use is 401 and the session's tokens all stop working", async () => {
    const eve = await register(api.client, "eve");
    const first = await api.request("post", "/v1/auth/refresh", { body: { refreshToken: eve.refreshToken } });
    expect(first.status).toBe(200);
    const next = first.body as { accessToken: string; refreshToken: string };
    extraSecrets.push({ kind: "refresh token", value: next.refreshToken });
    const again = await api.request("post", "/v1/auth/refresh", { body: { refreshToken: eve.refreshToken } });
    expectProblem(again, 401);
    expect((again.body as { detail: string }).detail).toBe("Invalid or expired refresh token.");
    // The pair issued before the reuse was detected dies with the session.
    expectProblem(
      await api.request("post", "/v1/auth/refresh", { body: { refreshToken: next.refreshToken } }),
      401,
    );
    expectProblem(await api.request("get", "/v1/users/me", { token: next.accessToken }), 401);
  });

  it("when a refresh token is unknown, malformed or an access token, then 401 with the same detail", async () => {
    for (const refreshToken of ["x", "A".repeat(256), ada.token.slice(0, 256), "../../etc/passwd"]) {
      const response = await api.request("post", "/v1/auth/refresh", { body: { refreshToken } });
      expectProblem(response, 401);
      expect((response.body as { detail: string }).detail).toBe("Invalid or expired refresh token.");
    }
  });

  it("when all that is over, then no answer leaked internals and no log line holds a secret", () => {
    expect(api.leaks).toEqual([]);
    const holders = [ada, bob];
    expect(findSecretsInLogs(platform.logs, holders, extraSecrets)).toEqual([]);
  });
});
