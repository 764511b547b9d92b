import { AppError, invalidArgument } from "@parley/errors";
import { USERNAME_PATTERN } from "./credentials";
import type { AuthDependencies } from "./dependencies";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_IDS = 100;

/** Users by id for a signed-in caller; unknown ids are left out. */
export async function getUsers(deps: AuthDependencies, accessToken: string | undefined, ids: string[]) {
  await deps.verifier.verify(accessToken);
  if (ids.length === 0 || ids.length > MAX_IDS)
    throw invalidArgument(`ids must hold 1 to ${MAX_IDS} user ids.`);
  if (!ids.every((id) => UUID.test(id))) throw invalidArgument("ids must be UUIDs.");
  return deps.store.findUsers([...new Set(ids)]);
}

/** One user by username (case-insensitive) for a signed-in caller. */
export async function getUserByUsername(
  deps: AuthDependencies,
  accessToken: string | undefined,
  username: string,
) {
  await deps.verifier.verify(accessToken);
  const canonical = username.toLowerCase();
  const found = USERNAME_PATTERN.test(canonical) ? await deps.store.findCredentials(canonical) : undefined;
  if (!found) throw new AppError("not_found", "No user with that username.");
  const { passwordHash: _hash, ...user } = found;
  return user;
}
