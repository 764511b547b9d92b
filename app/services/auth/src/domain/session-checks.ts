import { AppError } from "@parley/errors";
import type { AuthDependencies } from "./dependencies";

/** Verifies an access token and that its session is still live (not logged out, not revoked). */
export async function verifyLiveToken(deps: AuthDependencies, accessToken: string | undefined) {
  const claims = await deps.verifier.verify(accessToken);
  if (!(await deps.store.isSessionLive(claims.sessionId))) {
    throw new AppError("unauthenticated", "Missing or invalid access token.");
  }
  return claims;
}

/** Ends the session the access token belongs to; its refresh tokens stop working at once. */
export async function logout(deps: AuthDependencies, accessToken: string | undefined) {
  const claims = await verifyLiveToken(deps, accessToken);
  await deps.store.inTransaction((tx) => tx.revokeSession(claims.sessionId, "logout"));
}
