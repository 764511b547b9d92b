import { notFound } from "@parley/errors";
import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { requireId } from "./rules";

/** One of the caller's conversations, as ListConversations shows it. */
export async function getConversation(
  deps: MessagingDependencies,
  caller: Caller,
  input: { conversationId: string },
) {
  const conversationId = requireId(input.conversationId, "conversation_id");
  const summary = await deps.store.getSummary(caller.userId, conversationId);
  if (!summary) throw notFound("No such conversation.");
  return summary;
}
