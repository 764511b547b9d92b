import type { MessagingDependencies } from "./dependencies";

/** The user a call acts for, with the token that proved it (forwarded to auth for user look-ups). */
export interface Caller {
  userId: string;
  accessToken: string;
}

/** The caller named by a verified access token; UNAUTHENTICATED when it is missing or invalid. */
export async function authenticate(
  deps: MessagingDependencies,
  accessToken: string | undefined,
): Promise<Caller> {
  const claims = await deps.verifier.verify(accessToken);
  return { userId: claims.userId, accessToken: accessToken! };
}
