import { randomUUID } from "node:crypto";
import { checkNewPassword, normalizeUsername } from "./credentials";
import type { AuthDependencies } from "./dependencies";
import { openSession, tokenPair } from "./sessions";

/** Creates a user and signs them in: validate, hash, then user and session in one transaction. */
export async function register(deps: AuthDependencies, input: { username: string; password: string }) {
  const username = normalizeUsername(input.username);
  checkNewPassword(input.password);
  const passwordHash = await deps.hasher.hash(input.password);
  return deps.store.inTransaction(async (tx) => {
    const user = await tx.insertUser({ id: randomUUID(), username, passwordHash });
    const { issued } = await openSession(tx, deps.tokens, user.id);
    await tx.enqueue("user.registered", {
      userId: user.id,
      username: user.username,
      registeredAt: user.createdAt,
    });
    return { user, tokens: tokenPair(issued) };
  });
}
