import { createHash, randomBytes } from "node:crypto";
import { ACCESS_TOKEN_ALGORITHM } from "@parley/access-token";
import jwt from "jsonwebtoken";
import type { SigningKeys } from "./signing-keys";

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresIn: number;
  refreshToken: string;
  refreshTokenHash: Buffer;
  refreshTokenExpiresAt: Date;
}

export interface TokenIssuer {
  /** A new access token and a new refresh token for a session. */
  issue(userId: string, sessionId: string): IssuedTokens;
  /** How a presented refresh token is looked up: only its SHA-256 is stored. */
  hashRefreshToken(refreshToken: string): Buffer;
}

export function createTokenIssuer(keys: SigningKeys, settings: TokenSettings): TokenIssuer {
  const hashRefreshToken = (token: string) => createHash("sha256").update(token).digest();
  const refreshTokenExpiry = () => new Date(Date.now() + settings.refreshTokenTtlSeconds * 1000);
  return {
    hashRefreshToken,
    issue(userId, sessionId) {
      const accessToken = jwt.sign({ sid: sessionId }, keys.active.privateKey, {
        algorithm: ACCESS_TOKEN_ALGORITHM,
        keyid: keys.active.kid,
        subject: userId,
        issuer: settings.issuer,
        audience: settings.audience,
        expiresIn: settings.accessTokenTtlSeconds,
      });
      const refreshToken = randomBytes(32).toString("base64url");
      return {
        accessToken,
        accessTokenExpiresIn: settings.accessTokenTtlSeconds,
        refreshToken,
        refreshTokenHash: hashRefreshToken(refreshToken),
        refreshTokenExpiresAt: refreshTokenExpiry(),
      };
    },
  };
}
