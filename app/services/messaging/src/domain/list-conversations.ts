import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { conversationPagePosition, conversationPageToken } from "./page-tokens";
import { pageSize } from "./rules";

/** A page of the caller's conversations, most recent activity first, with unread counts. */
export async function listConversations(
  deps: MessagingDependencies,
  caller: Caller,
  input: { pageSize: number; pageToken: string },
) {
  const limit = pageSize(input.pageSize, "page_size");
  const after = conversationPagePosition(input.pageToken);
  // One extra row tells whether another page exists.
  const rows = await deps.store.listSummaries(caller.userId, { after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    conversations: page,
    nextPageToken: rows.length > limit && last ? conversationPageToken(last.position) : "",
  };
}
