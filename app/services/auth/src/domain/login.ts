import { AppError } from "@parley/errors";
import { isPossibleUsername } from "./credentials";
import type { AuthDependencies } from "./dependencies";
import { openSession, tokenPair } from "./sessions";

const WINDOW_SECONDS = 15 * 60;
const invalidCredentials = () => new AppError("unauthenticated", "Invalid username or password.");

/**
 * Signs a user in. Unknown users and wrong passwords get the same answer after the same work;
 * failures count per username and per client address, and past the limit the caller must wait.
 */
export async function login(
  deps: AuthDependencies,
  input: { username: string; password: string; clientAddress: string },
) {
  const username = input.username.toLowerCase();
  // A name no account can have is an unknown user; it is no key to store either (it may hold
  // anything, NUL included, which PostgreSQL refuses in text).
  const possibleName = isPossibleUsername(input.username);
  const throttleKeys = [
    ...(possibleName ? [`user:${username}`] : []),
    ...(input.clientAddress ? [`address:${input.clientAddress}`] : []),
  ];

  const { failures, retryAfterSeconds } = await deps.store.loginFailures(throttleKeys, WINDOW_SECONDS);
  if (failures >= deps.loginAttemptsPer15Min) {
    throw new AppError("resource_exhausted", "Too many failed sign-in attempts; try again later.", {
      retryAfterSeconds,
    });
  }

  const stored = possibleName ? await deps.store.findCredentials(username) : undefined;
  if (!(await deps.hasher.verify(stored?.passwordHash, input.password)) || !stored) {
    await deps.store.recordLoginFailure(throttleKeys, WINDOW_SECONDS);
    throw invalidCredentials();
  }
  await deps.store.clearLoginFailures(`user:${username}`);

  return deps.store.inTransaction(async (tx) => {
    const { sessionId, issued } = await openSession(tx, deps.tokens, stored.id);
    await tx.enqueue("user.logged_in", { userId: stored.id, sessionId, loggedInAt: new Date() });
    const { passwordHash: _hash, ...user } = stored;
    return { user, tokens: tokenPair(issued) };
  });
}
