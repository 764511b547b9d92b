import { AppError } from "@parley/errors";
import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { requireMember } from "./membership";
import { requireId } from "./rules";

/** The caller leaves a group; if they were its last admin, the longest-standing member takes over. */
export async function leaveConversation(
  deps: MessagingDependencies,
  caller: Caller,
  input: { conversationId: string },
) {
  const conversationId = requireId(input.conversationId, "conversation_id");
  await deps.store.inTransaction(async (tx) => {
    const membership = requireMember(await tx.lockMembership(conversationId, caller.userId));
    if (membership.kind !== "group") {
      throw new AppError("failed_precondition", "A direct conversation cannot be left.");
    }
    await tx.deleteMember(conversationId, caller.userId);
    if (membership.role === "admin" && (await tx.countAdmins(conversationId)) === 0) {
      await tx.promoteLongestStandingMember(conversationId);
    }
  });
}
