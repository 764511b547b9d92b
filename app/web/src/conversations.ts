import type { Schemas } from "@parley/api-client";
import { useCallback, useRef, useState } from "preact/hooks";
import { dataOf } from "./problems";
import { type User, api } from "./session";

export type Conversation = Schemas["Conversation"];

const activity = (conversation: Conversation) => conversation.lastMessage?.sentAt ?? conversation.createdAt;
const byActivity = (a: Conversation, b: Conversation) => activity(b).localeCompare(activity(a));

/** The signed-in user's conversations, most recent activity first, as the server last told. */
export function useConversations() {
  const [conversations, setConversations] = useState<Conversation[]>([]);

  const upsert = useCallback((conversation: Conversation) => {
    setConversations((list) => {
      const known = list.find((c) => c.id === conversation.id);
      // Answers can arrive out of order; an older one must not undo a newer last message.
      if (known && activity(known) > activity(conversation)) return list;
      return [conversation, ...list.filter((c) => c.id !== conversation.id)].sort(byActivity);
    });
  }, []);

  const remove = useCallback((id: string) => setConversations((list) => list.filter((c) => c.id !== id)), []);

  const setUnreadCount = useCallback(
    (id: string, unreadCount: number) =>
      setConversations((list) => list.map((c) => (c.id === id ? { ...c, unreadCount } : c))),
    [],
  );

  /** Reloads the list (its first 100, which is all a person scrolls through here). */
  const refreshAll = useCallback(async () => {
    const page = dataOf(await api.GET("/v1/conversations", { params: { query: { pageSize: 100 } } }));
    setConversations(page.conversations);
  }, []);

  /** Reloads one conversation; one that answers 404 is no longer ours (we left or were removed). */
  const refreshOne = useCallback(
    async (conversationId: string) => {
      const result = await api.GET("/v1/conversations/{conversationId}", {
        params: { path: { conversationId } },
      });
      if (result.response.status === 404) remove(conversationId);
      else upsert(dataOf(result));
    },
    [remove, upsert],
  );

  return { conversations, upsert, remove, setUnreadCount, refreshAll, refreshOne };
}

/**
 * Usernames by user id: learnt from users looked up by name and from the members of each
 * conversation that names someone not known yet (asked once per set of members). Until a name
 * arrives, a person shows as "user" and the start of their id.
 */
export function useNames(me: User) {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(() => new Map([[me.id, me.username]]));
  const asked = useRef(new Set<string>());
  const learn = useCallback(
    (user: Pick<User, "id" | "username">) =>
      setNames((known) =>
        known.get(user.id) === user.username ? known : new Map(known).set(user.id, user.username),
      ),
    [],
  );
  const learnMembersOf = useCallback(
    async (conversations: Conversation[]) => {
      for (const conversation of conversations) {
        const key = `${conversation.id}:${conversation.memberIds.join(",")}`;
        if (asked.current.has(key) || conversation.memberIds.every((id) => names.has(id))) continue;
        asked.current.add(key);
        const { data } = await api.GET("/v1/conversations/{conversationId}/members", {
          params: { path: { conversationId: conversation.id } },
        });
        for (const member of data?.members ?? []) learn({ id: member.userId, username: member.username });
      }
    },
    [names, learn],
  );
  const nameOf = useCallback((id: string) => names.get(id) ?? `user ${id.slice(0, 8)}`, [names]);
  return { nameOf, learn, learnMembersOf };
}

export type NameOf = (userId: string) => string;

export async function findUser(username: string): Promise<User> {
  return dataOf(await api.GET("/v1/users", { params: { query: { username } } }));
}

/** A group's title, or the other person's name in a direct conversation. */
export function titleOf(conversation: Conversation, me: User, nameOf: NameOf): string {
  if (conversation.kind === "group") return conversation.title ?? "Untitled group";
  const other = conversation.memberIds.find((id) => id !== me.id);
  return other ? nameOf(other) : me.username;
}

/** The other person of a direct conversation, whose presence its title shows. */
export function partnerOf(conversation: Conversation, me: User): string | undefined {
  return conversation.kind === "direct" ? conversation.memberIds.find((id) => id !== me.id) : undefined;
}
