import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { limits } from "@parley/contracts";
import { userIdList } from "./rules";

/** Which of the given users share at least one conversation with the caller, in the order asked. */
export async function checkSharedConversations(
  deps: MessagingDependencies,
  caller: Caller,
  input: { userIds: string[] },
) {
  const userIds = userIdList(input.userIds, "user_ids", limits.userIdLookup);
  const sharing = new Set(await deps.store.sharingAConversationWith(caller.userId, userIds));
  return userIds.filter((id) => sharing.has(id));
}
