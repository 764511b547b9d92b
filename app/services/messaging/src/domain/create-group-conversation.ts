import { randomUUID } from "node:crypto";
import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { limits } from "@parley/contracts";
import { groupTitle, userIdList } from "./rules";
import { requireKnownMembers } from "./user-directory";

/** Creates a group: the caller joins first, as its admin, then the listed users in their order. */
export async function createGroupConversation(
  deps: MessagingDependencies,
  caller: Caller,
  input: { title: string; memberIds: string[] },
) {
  const title = groupTitle(input.title);
  const others = userIdList(input.memberIds, "member_ids", {
    ...limits.groupMembersAtCreation,
    ignored: caller.userId,
  });
  await requireKnownMembers(deps.users, others, caller.accessToken);

  const id = randomUUID();
  return deps.store.inTransaction(async (tx) => {
    await tx.insertConversation({ id, kind: "group", title, directKey: null, createdBy: caller.userId });
    await tx.insertMembers(id, [
      { userId: caller.userId, role: "admin" },
      ...others.map((userId) => ({ userId, role: "member" as const })),
    ]);
    return (await tx.getConversation(id))!;
  });
}
