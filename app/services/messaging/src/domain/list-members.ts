import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { requireMember } from "./membership";
import { requireId } from "./rules";

/** The members of one of the caller's conversations, in the order they joined. */
export async function listMembers(
  deps: MessagingDependencies,
  caller: Caller,
  input: { conversationId: string },
) {
  const conversationId = requireId(input.conversationId, "conversation_id");
  requireMember(await deps.store.findMembership(conversationId, caller.userId));
  return deps.store.listMembers(conversationId);
}
