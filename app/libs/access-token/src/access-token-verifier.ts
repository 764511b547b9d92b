import { type KeyObject, createPublicKey } from "node:crypto";
import { isUuid } from "@parley/contracts";
import { AppError } from "@parley/errors";
import jwt from "jsonwebtoken";

/** The only signature algorithm accepted; `none`, HS* (key confusion) and others are refused. */
export const ACCESS_TOKEN_ALGORITHM = "ES256";

/** A public key as served in the auth service's JSON Web Key Set. */
export interface PublicJwk {
  kid: string;
  kty: string;
  crv: string;
  x: string;
  y: string;
}

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  expiresAt: Date;
}

export interface VerifierOptions {
  /** Fetches the current key set (from the auth service, or its own keys inside auth). */
  fetchKeys: () => Promise<PublicJwk[]>;
  issuer: string;
  audience: string;
  /** An unknown `kid` triggers a refetch at most this often, so forged kids cannot flood auth. */
  minRefetchIntervalMs?: number;
  clockToleranceSeconds?: number;
  /** Tokens remembered as verified (until they expire), so a repeated one skips the ECDSA check. */
  maxCachedTokens?: number;
}

export interface AccessTokenVerifier {
  /** Resolves with the token's claims, or rejects with an `unauthenticated` AppError. */
  verify(token: string | undefined): Promise<AccessTokenClaims>;
}

const invalidToken = () => new AppError("unauthenticated", "Missing or invalid access token.");

/**
 * Verifies access tokens locally against a cached JSON Web Key Set. A token signed with a key
 * the cache does not know yet (after a rotation) triggers one refetch. Tokens that verified are
 * remembered until they expire: every request carries its token, and checking an ES256 signature
 * each time was the largest CPU cost of the gateway and messaging per message.
 */
export function createAccessTokenVerifier(options: VerifierOptions): AccessTokenVerifier {
  const {
    fetchKeys,
    issuer,
    audience,
    minRefetchIntervalMs = 10_000,
    clockToleranceSeconds = 5,
    maxCachedTokens = 5000,
  } = options;
  // Keyed by the whole token, so a changed byte is a different entry that must verify on its own.
  const verified = new Map<string, AccessTokenClaims>();
  let keys = new Map<string, KeyObject>();
  let lastFetch = 0;
  let pending: Promise<void> | undefined;

  function refresh(): Promise<void> {
    pending ??= fetchKeys()
      .then((jwks) => {
        keys = new Map(
          jwks
            .filter((key) => key.kty === "EC" && key.crv === "P-256")
            .map((key) => [key.kid, createPublicKey({ key: { ...key }, format: "jwk" })]),
        );
        lastFetch = Date.now();
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  async function keyFor(kid: string): Promise<KeyObject | undefined> {
    if (!keys.has(kid) && Date.now() - lastFetch >= minRefetchIntervalMs) await refresh();
    return keys.get(kid);
  }

  return {
    async verify(token) {
      if (!token) throw invalidToken();
      const cached = verified.get(token);
      if (cached) {
        if (Date.now() < cached.expiresAt.getTime() + clockToleranceSeconds * 1000) return cached;
        verified.delete(token);
      }
      const decoded = jwt.decode(token, { complete: true });
      if (
        !decoded ||
        decoded.header.alg !== ACCESS_TOKEN_ALGORITHM ||
        typeof decoded.header.kid !== "string"
      ) {
        throw invalidToken();
      }
      const key = await keyFor(decoded.header.kid);
      if (!key) throw invalidToken();
      let payload: jwt.JwtPayload | string;
      try {
        payload = jwt.verify(token, key, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer,
          audience,
          clockTolerance: clockToleranceSeconds,
        });
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError)
          throw new AppError("unauthenticated", "Access token expired.");
        throw invalidToken();
      }
      if (typeof payload === "string" || typeof payload.sub !== "string" || !isUuid(payload.sub))
        throw invalidToken();
      if (typeof payload.sid !== "string" || !isUuid(payload.sid) || typeof payload.exp !== "number")
        throw invalidToken();
      const claims = { userId: payload.sub, sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000) };
      if (verified.size >= maxCachedTokens) verified.delete(verified.keys().next().value!);
      verified.set(token, claims);
      return claims;
    },
  };
}
