import { AppError, notFound } from "@parley/errors";
import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { requireGroupAdmin, requireMember } from "./membership";
import { requireId } from "./rules";

/** A group admin removes another member; admins leave with LeaveConversation instead. */
export async function removeMember(
  deps: MessagingDependencies,
  caller: Caller,
  input: { conversationId: string; userId: string },
) {
  const conversationId = requireId(input.conversationId, "conversation_id");
  const userId = requireId(input.userId, "user_id");
  await deps.store.inTransaction(async (tx) => {
    requireGroupAdmin(requireMember(await tx.lockMembership(conversationId, caller.userId)));
    if (userId === caller.userId) {
      throw new AppError("failed_precondition", "Admins cannot remove themselves; leave the group instead.");
    }
    if (!(await tx.deleteMember(conversationId, userId))) throw notFound("No such member.");
  });
}
