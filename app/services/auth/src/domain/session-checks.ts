import type { Caller } from "@parley/access-token";
import { AppError } from "@parley/errors";
import type { AuthDependencies } from "./dependencies";

const invalidToken = () => new AppError("unauthenticated", "Missing or invalid access token.");

/** Verifies an access token and that its session is still live (not logged out, not revoked). */
export async function verifyLiveToken(deps: AuthDependencies, accessToken: string | undefined) {
  const claims = await deps.verifier.verify(accessToken);
  if (!(await deps.store.isSessionLive(claims.sessionId))) throw invalidToken();
  return claims;
}

/** Ends the caller's session (if still live); its refresh tokens stop working at once. */
export async function logout(deps: AuthDependencies, caller: Caller) {
  if (!(await deps.store.isSessionLive(caller.sessionId))) throw invalidToken();
  await deps.store.inTransaction((tx) => tx.revokeSession(caller.sessionId, "logout"));
}
