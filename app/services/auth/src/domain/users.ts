import { isUuid, limits } from "@parley/contracts";
import { AppError, invalidArgument } from "@parley/errors";
import { isPossibleUsername } from "./credentials";
import type { AuthDependencies } from "./dependencies";

/** Users by id (for a signed-in caller: the entry point authenticates); unknown ids are left out. */
export async function getUsers(deps: AuthDependencies, ids: string[]) {
  const { min, max } = limits.userIdLookup;
  if (ids.length < min || ids.length > max) throw invalidArgument(`ids must hold ${min} to ${max} user ids.`);
  if (!ids.every(isUuid)) throw invalidArgument("ids must be UUIDs in lowercase.");
  return deps.store.findUsers([...new Set(ids)]);
}

/** One user by username, case-insensitive (for a signed-in caller: the entry point authenticates). */
export async function getUserByUsername(deps: AuthDependencies, username: string) {
  const found = isPossibleUsername(username)
    ? await deps.store.findCredentials(username.toLowerCase())
    : undefined;
  if (!found) throw new AppError("not_found", "No user with that username.");
  const { passwordHash: _hash, ...user } = found;
  return user;
}
