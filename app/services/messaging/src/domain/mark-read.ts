import { notFound } from "@parley/errors";
import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { requireMember } from "./membership";
import { requireId } from "./rules";

/** Marks the conversation read up to a message (never backwards); answers what is still unread. */
export async function markRead(
  deps: MessagingDependencies,
  caller: Caller,
  input: { conversationId: string; messageId: string },
) {
  const conversationId = requireId(input.conversationId, "conversation_id");
  const messageId = requireId(input.messageId, "message_id");
  requireMember(await deps.store.findMembership(conversationId, caller.userId));
  const message = await deps.store.findMessage(conversationId, messageId);
  if (!message) throw notFound("No such message.");
  return deps.store.inTransaction(async (tx) => {
    await tx.advanceReadMarker(conversationId, caller.userId, message.seq);
    return { unreadCount: await tx.unreadCount(conversationId, caller.userId) };
  });
}
