import { invalidArgument } from "@parley/errors";

/** Who is registered; answered by the auth service. */
export interface UserDirectory {
  /** The ids among `ids` that belong to registered users, asked with the caller's access token. */
  existing(ids: string[], accessToken: string): Promise<Set<string>>;
}

/** Refuses a list of member ids that names users who do not exist. */
export async function requireKnownMembers(users: UserDirectory, ids: string[], accessToken: string) {
  if (ids.length === 0) return;
  const known = await users.existing(ids, accessToken);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).join(", ");
    throw invalidArgument(
      `Some member ids are not registered users: ${shown}${unknown.length > 5 ? ", ..." : ""}.`,
    );
  }
}
