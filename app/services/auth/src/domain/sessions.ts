import { randomUUID } from "node:crypto";
import type { AuthTransaction } from "../data-access/auth-store";
import type { IssuedTokens, TokenIssuer } from "./token-issuer";

/** Opens a session (one login) and stores its first refresh token. */
export async function openSession(tx: AuthTransaction, tokens: TokenIssuer, userId: string) {
  const sessionId = randomUUID();
  const issued: IssuedTokens = tokens.issue(userId, sessionId);
  await tx.insertSession({ id: sessionId, userId, expiresAt: issued.refreshTokenExpiresAt });
  await tx.insertRefreshToken({
    hash: issued.refreshTokenHash,
    sessionId,
    expiresAt: issued.refreshTokenExpiresAt,
  });
  return { sessionId, issued };
}

/** The TokenPair of the gRPC contract. */
export function tokenPair(issued: IssuedTokens) {
  return {
    accessToken: issued.accessToken,
    accessTokenExpiresIn: issued.accessTokenExpiresIn,
    refreshToken: issued.refreshToken,
    refreshTokenExpiresAt: issued.refreshTokenExpiresAt,
  };
}
