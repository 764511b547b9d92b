import { randomUUID } from "node:crypto";
import { invalidArgument, notFound } from "@parley/errors";
import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { requireId } from "./rules";

/** The one key of a pair, whichever side asks: both ids, sorted. */
const directKeyOf = (a: string, b: string) => [a, b].sort().join(":");

/**
 * The direct conversation of the caller and another user, created on first use. Both sides may
 * ask at once: the unique key lets one insert win and the other read what it wrote.
 */
export async function getOrCreateDirectConversation(
  deps: MessagingDependencies,
  caller: Caller,
  input: { userId: string },
) {
  const otherId = requireId(input.userId, "user_id");
  if (otherId === caller.userId) throw invalidArgument("user_id must be another user's id.");
  const directKey = directKeyOf(caller.userId, otherId);

  const existingId = await deps.store.findDirectConversationId(directKey);
  if (existingId) return { conversation: (await deps.store.getConversation(existingId))!, created: false };

  const known = await deps.users.existing([otherId], caller.accessToken);
  if (!known.has(otherId)) throw notFound("No such user.");

  const id = randomUUID();
  return deps.store.inTransaction(async (tx) => {
    const created = await tx.insertConversation({
      id,
      kind: "direct",
      title: null,
      directKey,
      createdBy: caller.userId,
    });
    if (created) {
      await tx.insertMembers(id, [
        { userId: caller.userId, role: "member" },
        { userId: otherId, role: "member" },
      ]);
    }
    // When the other side won the race, its committed row is visible to this new statement.
    const conversationId = created ? id : (await tx.findDirectConversationId(directKey))!;
    return { conversation: (await tx.getConversation(conversationId))!, created };
  });
}
