import { AppError } from "@parley/errors";

export interface SessionChecker {
  /** Rejects with `unauthenticated` when the token's session was logged out or revoked. */
  check(sessionId: string, accessToken: string): Promise<void>;
  /** Forgets a session at once (after a logout through this gateway). */
  forget(sessionId: string): void;
}

const MAX_ENTRIES = 50_000;

/**
 * Asks the auth service whether a session is still live, remembering a live answer for a few
 * seconds. Signatures are checked locally first; this only catches sessions ended early (logout,
 * refresh-token reuse), which other gateway replicas learn within `cacheSeconds`.
 */
export function createSessionChecker(
  verifyRemotely: (accessToken: string) => Promise<unknown>,
  cacheSeconds: number,
): SessionChecker {
  const liveUntil = new Map<string, number>();
  return {
    async check(sessionId, accessToken) {
      const until = liveUntil.get(sessionId);
      if (until !== undefined && until > Date.now()) return;
      try {
        await verifyRemotely(accessToken);
      } catch (error) {
        liveUntil.delete(sessionId);
        throw error instanceof AppError
          ? error
          : new AppError("unavailable", "Cannot check the session right now.");
      }
      if (liveUntil.size >= MAX_ENTRIES) liveUntil.delete(liveUntil.keys().next().value!);
      liveUntil.set(sessionId, Date.now() + cacheSeconds * 1000);
    },
    forget: (sessionId) => liveUntil.delete(sessionId),
  };
}
