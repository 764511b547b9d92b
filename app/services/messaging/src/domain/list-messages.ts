import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { requireMember } from "./membership";
import { messageCursor, messageCursorSeq } from "./page-tokens";
import { pageSize, requireId } from "./rules";

/** A page of a conversation's messages, newest first, older than the `before` cursor. */
export async function listMessages(
  deps: MessagingDependencies,
  caller: Caller,
  input: { conversationId: string; limit: number; before: string },
) {
  const conversationId = requireId(input.conversationId, "conversation_id");
  const limit = pageSize(input.limit, "limit");
  const beforeSeq = messageCursorSeq(input.before);
  requireMember(await deps.store.findMembership(conversationId, caller.userId));

  // One extra row tells whether an older page exists.
  const rows = await deps.store.listMessages(conversationId, { beforeSeq, limit: limit + 1 });
  const messages = rows.slice(0, limit);
  const oldest = messages[messages.length - 1];
  return { messages, nextCursor: rows.length > limit && oldest ? messageCursor(oldest.seq) : "" };
}
