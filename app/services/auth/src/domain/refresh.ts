import { limits } from "@parley/contracts";
import { AppError } from "@parley/errors";
import type { AuthDependencies } from "./dependencies";
import { tokenPair } from "./sessions";

const invalidRefreshToken = () => new AppError("unauthenticated", "Invalid or expired refresh token.");

/**
 * Exchanges a refresh token for a new pair. Each refresh token works once: presenting a used one
 * means it leaked, so the whole session is revoked and every token from it stops working.
 */
export async function refresh(deps: AuthDependencies, input: { refreshToken: string }) {
  if (!input.refreshToken || input.refreshToken.length > limits.refreshToken.max) throw invalidRefreshToken();
  const hash = deps.tokens.hashRefreshToken(input.refreshToken);
  const outcome = await deps.store.inTransaction(async (tx) => {
    const token = await tx.lockRefreshToken(hash);
    if (!token) return { error: invalidRefreshToken() };
    if (token.usedAt) {
      await tx.revokeSession(token.sessionId, "refresh token reused");
      return { error: invalidRefreshToken() };
    }
    const now = Date.now();
    if (
      token.sessionRevokedAt ||
      token.expiresAt.getTime() <= now ||
      token.sessionExpiresAt.getTime() <= now
    ) {
      return { error: invalidRefreshToken() };
    }
    await tx.markRefreshTokenUsed(hash);
    const issued = deps.tokens.issue(token.userId, token.sessionId);
    const expiresAt = new Date(
      Math.min(issued.refreshTokenExpiresAt.getTime(), token.sessionExpiresAt.getTime()),
    );
    await tx.insertRefreshToken({ hash: issued.refreshTokenHash, sessionId: token.sessionId, expiresAt });
    return { tokens: tokenPair({ ...issued, refreshTokenExpiresAt: expiresAt }) };
  });
  // Thrown after the transaction so that a revocation for reuse is committed, not rolled back.
  if (outcome.error) throw outcome.error;
  return { tokens: outcome.tokens };
}
