import { type Schemas, createApiClient, resumeSession, signIn, signOut } from "@parley/api-client";

export type User = Schemas["User"];

let onSignedOut = () => {};

/**
 * Each refresh token works once and every tab of this origin shares the one cookie, so two tabs
 * refreshing at once (a browser restoring them, say) would present the same token twice, which
 * revokes the session. A Web Lock makes the tabs take turns: each sends the cookie the last one got.
 */
const fetchTakingTurns: typeof fetch = async (input, init) =>
  String(input).endsWith("/v1/auth/refresh") && navigator.locks
    ? navigator.locks.request("parley-session-refresh", () => fetch(input, init))
    : fetch(input, init);

/**
 * The page's one API client. The access token stays in memory; the refresh token lives in the
 * gateway's HttpOnly cookie, out of reach of page scripts, and survives a reload.
 */
export const api = createApiClient({
  baseUrl: "",
  sessionCookie: true,
  fetch: fetchTakingTurns,
  onSignedOut: () => onSignedOut(),
});

/** Called when the gateway ends the session (its refresh token refused), not on `leave`. */
export function whenSignedOut(listener: () => void) {
  onSignedOut = listener;
}

/** After a page load: the signed-in user again, from the session cookie, if there is one. */
export async function resume(): Promise<User | undefined> {
  if (!(await resumeSession(api))) return undefined;
  const { data } = await api.GET("/v1/users/me");
  return data;
}

export async function enter(how: "register" | "login", credentials: Schemas["Credentials"]): Promise<User> {
  return (await signIn(api, how, credentials)).user;
}

/** Ends the session on the server and clears its cookie; the page forgets the access token anyway. */
export async function leave(): Promise<void> {
  await signOut(api).catch(() => api.session.set(undefined));
}
