import { limits } from "@parley/contracts";
import { AppError } from "@parley/errors";
import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { requireGroupAdmin, requireMember } from "./membership";
import { MAX_GROUP_MEMBERS, requireId, userIdList } from "./rules";
import { requireKnownMembers } from "./user-directory";

/** A group admin adds users; those already in are left as they are. Answers every member after it. */
export async function addMembers(
  deps: MessagingDependencies,
  caller: Caller,
  input: { conversationId: string; userIds: string[] },
) {
  const conversationId = requireId(input.conversationId, "conversation_id");
  const userIds = userIdList(input.userIds, "user_ids", limits.groupMembersAdded);
  // Checked before asking auth about the ids, so that outsiders learn nothing; again under the lock.
  requireGroupAdmin(requireMember(await deps.store.findMembership(conversationId, caller.userId)));
  await requireKnownMembers(deps.users, userIds, caller.accessToken);

  return deps.store.inTransaction(async (tx) => {
    requireGroupAdmin(requireMember(await tx.lockMembership(conversationId, caller.userId)));
    const current = new Set(await tx.memberIds(conversationId));
    const joining = userIds.filter((id) => !current.has(id));
    if (current.size + joining.length > MAX_GROUP_MEMBERS) {
      throw new AppError("failed_precondition", `A group holds at most ${MAX_GROUP_MEMBERS} members.`);
    }
    await tx.insertMembers(
      conversationId,
      joining.map((userId) => ({ userId, role: "member" as const })),
    );
    return tx.listMembers(conversationId);
  });
}
