import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import { type PublicJwk, createAccessTokenVerifier } from "./access-token-verifier";

function newKey(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...(publicKey.export({ format: "jwk" }) as Omit<PublicJwk, "kid">), kid };
  return { kid, privateKey, publicKey, jwk };
}

const issuer = "parley-auth";
const audience = "parley";
const userId = randomUUID();
const sessionId = randomUUID();

function sign(
  key: ReturnType<typeof newKey>,
  overrides: jwt.SignOptions = {},
  payload: object = { sid: sessionId },
) {
  return jwt.sign(payload, key.privateKey, {
    algorithm: "ES256",
    keyid: key.kid,
    subject: userId,
    issuer,
    audience,
    expiresIn: 60,
    ...overrides,
  });
}

describe("access token verifier", () => {
  const current = newKey("k1");
  let served: PublicJwk[] = [current.jwk];
  let fetches = 0;
  const verifier = createAccessTokenVerifier({
    fetchKeys: async () => {
      fetches += 1;
      return served;
    },
    issuer,
    audience,
    minRefetchIntervalMs: 0,
  });

  it("when the token is valid, then its user, session and expiry come back", async () => {
    const claims = await verifier.verify(sign(current));
    expect(claims).toMatchObject({ userId, sessionId });
    expect(claims.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it.each([
    ["missing", () => undefined],
    ["not a JWT", () => "hello"],
    ["signed for another audience", () => sign(current, { audience: "elsewhere" })],
    ["from another issuer", () => sign(current, { issuer: "evil" })],
    ["not yet valid", () => sign(current, { notBefore: 3600 })],
    ["without a session", () => sign(current, {}, {})],
    ["signed with an unknown key", () => sign(newKey("k1"))],
    ["with an unknown kid", () => sign(newKey("nope"))],
  ])("when the token is %s, then it is refused as invalid", async (_name, token) => {
    await expect(verifier.verify(token())).rejects.toMatchObject({
      kind: "unauthenticated",
      message: "Missing or invalid access token.",
    });
  });

  it("when the same token comes again, then its signature is not checked again", async () => {
    const token = sign(current);
    const checks = jest.spyOn(jwt, "verify");
    try {
      const first = await verifier.verify(token);
      const again = await verifier.verify(token);
      expect(again).toEqual(first);
      expect(checks).toHaveBeenCalledTimes(1);
    } finally {
      checks.mockRestore();
    }
  });

  it("when a remembered token expires, then it is refused as expired", async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate"], now: Date.now() });
    try {
      const token = sign(current, { expiresIn: 2 });
      await expect(verifier.verify(token)).resolves.toMatchObject({ userId });
      jest.setSystemTime(Date.now() + 60_000);
      await expect(verifier.verify(token)).rejects.toMatchObject({ message: "Access token expired." });
    } finally {
      jest.useRealTimers();
    }
  });

  it("when a remembered token is altered by one byte, then the altered one is checked and refused", async () => {
    const token = sign(current);
    await verifier.verify(token);
    // One character inside the signature, changed to another (the last one may carry padding bits).
    const at = token.length - 2;
    const altered = `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
    expect(altered).not.toBe(token);
    await expect(verifier.verify(altered)).rejects.toMatchObject({ kind: "unauthenticated" });
  });

  it("when more tokens verified than it remembers, then the oldest are forgotten and checked again", async () => {
    const small = createAccessTokenVerifier({
      fetchKeys: async () => served,
      issuer,
      audience,
      maxCachedTokens: 2,
    });
    const tokens = [1, 2, 3].map((n) => sign(current, { jwtid: `t${n}` }));
    for (const token of tokens) await small.verify(token);
    const checks = jest.spyOn(jwt, "verify");
    try {
      await small.verify(tokens[2]!);
      expect(checks).toHaveBeenCalledTimes(0);
      await small.verify(tokens[0]!);
      expect(checks).toHaveBeenCalledTimes(1);
    } finally {
      checks.mockRestore();
    }
  });

  it("when the token has expired, then it is refused and says so", async () => {
    const token = sign(current, { expiresIn: -60 });
    await expect(verifier.verify(token)).rejects.toMatchObject({
      kind: "unauthenticated",
      message: "Access token expired.",
    });
  });

  it("when the payload is tampered with, then the signature no longer matches", async () => {
    const [header, , signature] = sign(current).split(".");
    const forged = Buffer.from(
      JSON.stringify({ sub: randomUUID(), sid: sessionId, iss: issuer, aud: audience, exp: 9999999999 }),
    ).toString("base64url");
    await expect(verifier.verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject({
      kind: "unauthenticated",
    });
  });

  it("when the token says alg none, then it is refused", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT", kid: "k1" })).toString("base64url");
    const payload = Buffer.from(
      JSON.stringify({ sub: userId, sid: sessionId, iss: issuer, aud: audience, exp: 9999999999 }),
    ).toString("base64url");
    await expect(verifier.verify(`${header}.${payload}.`)).rejects.toMatchObject({ kind: "unauthenticated" });
  });

  it("when the token is HS256-signed with the public key (key confusion), then it is refused", async () => {
    const publicPem = current.publicKey.export({ format: "pem", type: "spki" }).toString();
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "k1" })).toString("base64url");
    const payload = Buffer.from(
      JSON.stringify({ sub: userId, sid: sessionId, iss: issuer, aud: audience, exp: 9999999999 }),
    ).toString("base64url");
    const signature = createHmac("sha256", publicPem).update(`${header}.${payload}`).digest("base64url");
    await expect(verifier.verify(`${header}.${payload}.${signature}`)).rejects.toMatchObject({
      kind: "unauthenticated",
    });
  });

  it("when keys rotate, then a token from the new key triggers one refetch and old tokens still verify", async () => {
    const next = newKey("k2");
    const oldToken = sign(current);
    served = [current.jwk, next.jwk];
    const before = fetches;
    await expect(verifier.verify(sign(next))).resolves.toMatchObject({ userId });
    expect(fetches).toBe(before + 1);
    await expect(verifier.verify(oldToken)).resolves.toMatchObject({ userId });
    expect(fetches).toBe(before + 1);
  });

  it("when unknown kids keep coming, then the key set is refetched at most once per interval", async () => {
    let count = 0;
    const throttled = createAccessTokenVerifier({
      fetchKeys: async () => {
        count += 1;
        return [current.jwk];
      },
      issuer,
      audience,
      minRefetchIntervalMs: 60_000,
    });
    for (let i = 0; i < 5; i += 1) {
      await expect(throttled.verify(sign(newKey(`unknown-${i}`)))).rejects.toMatchObject({
        kind: "unauthenticated",
      });
    }
    expect(count).toBe(1);
  });
});
