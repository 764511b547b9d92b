import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAccessTokenVerifier } from "@parley/access-token";
import { writeSigningKey } from "@parley/test-support";
import jwt from "jsonwebtoken";
import { loadSigningKeys } from "./signing-keys";
import { createTokenIssuer } from "./token-issuer";

const settings = {
  issuer: "parley-auth",
  audience: "parley",
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 3600,
};
const userId = "7d8b5f3c-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
const sessionId = "0f1e2d3c-4b5a-4968-8776-655443322110";

describe("signing keys and tokens", () => {
  it("when a token is issued, then it is ES256 with the active kid and the verifier accepts it", async () => {
    const folder = await writeSigningKey("2026-01");
    const keys = await loadSigningKeys(folder);
    const issued = createTokenIssuer(keys, settings).issue(userId, sessionId);
    const header = jwt.decode(issued.accessToken, { complete: true })?.header;
    expect(header).toMatchObject({ alg: "ES256", kid: "2026-01" });
    const verifier = createAccessTokenVerifier({
      fetchKeys: async () => keys.all.map((k) => k.jwk),
      ...settings,
    });
    await expect(verifier.verify(issued.accessToken)).resolves.toMatchObject({ userId, sessionId });
    expect(issued.accessTokenExpiresIn).toBe(900);
  });

  it("when a newer key is added, then it signs while tokens of the older key still verify", async () => {
    const folder = await writeSigningKey("2026-01");
    const oldToken = createTokenIssuer(await loadSigningKeys(folder), settings).issue(
      userId,
      sessionId,
    ).accessToken;
    await writeSigningKey("2026-02", folder);
    const rotated = await loadSigningKeys(folder);
    expect(rotated.active.kid).toBe("2026-02");
    expect(rotated.all.map((k) => k.kid)).toEqual(["2026-01", "2026-02"]);
    const newToken = createTokenIssuer(rotated, settings).issue(userId, sessionId).accessToken;
    expect(jwt.decode(newToken, { complete: true })?.header.kid).toBe("2026-02");
    const verifier = createAccessTokenVerifier({
      fetchKeys: async () => rotated.all.map((k) => k.jwk),
      ...settings,
    });
    await expect(verifier.verify(oldToken)).resolves.toMatchObject({ userId });
    await expect(verifier.verify(newToken)).resolves.toMatchObject({ userId });
  });

  it("when refresh tokens are issued, then they are random and only their hash is kept", async () => {
    const issuer = createTokenIssuer(await loadSigningKeys(await writeSigningKey("k")), settings);
    const a = issuer.issue(userId, sessionId);
    const b = issuer.issue(userId, sessionId);
    expect(a.refreshToken).not.toBe(b.refreshToken);
    expect(a.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issuer.hashRefreshToken(a.refreshToken).equals(a.refreshTokenHash)).toBe(true);
  });

  it("when the key folder is empty, then loading fails naming the variable", async () => {
    const empty = await mkdtemp(join(tmpdir(), "empty-"));
    await expect(loadSigningKeys(empty)).rejects.toThrow("AUTH_SIGNING_KEYS_DIR: no <kid>.pem file");
  });

  it("when the folder holds an RSA key, then loading refuses it by name", async () => {
    const folder = await writeSigningKey("good");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await writeFile(join(folder, "rsa.pem"), privateKey.export({ format: "pem", type: "pkcs8" }));
    await expect(loadSigningKeys(folder)).rejects.toThrow(
      "AUTH_SIGNING_KEYS_DIR: rsa.pem is not an EC P-256 private key",
    );
  });
});
