import type {
  ActivityPosition,
  ConversationKind,
  ConversationRecord,
  ConversationSummaryRecord,
  MemberRecord,
  MemberRole,
  Membership,
} from "./records";
import type { Query } from "@parley/database";

interface SummaryRow {
  id: string;
  kind: ConversationKind;
  title: string | null;
  created_at: Date;
  member_ids: string[];
  unread_count: number;
  activity_us: string;
  last_id: string | null;
  last_sender_id: string;
  last_body: string;
  last_sent_at: Date;
  last_seq: string;
  last_idempotency_key: string;
}

/**
 * The caller's conversations with what a list shows of each. `filter` narrows the caller's
 * memberships (`$1` is the caller); unread counts only messages of others after the read marker.
 */
const summarySql = (filter: string) => `
  WITH mine AS (
    SELECT c.id, c.kind, c.title, c.created_at, c.last_seq, m.last_read_seq,
           (extract(epoch FROM coalesce(c.last_message_at, c.created_at)) * 1000000)::bigint AS activity_us
      FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
     WHERE m.user_id = $1
  )
  SELECT mine.id, mine.kind, mine.title, mine.created_at, mine.activity_us::text AS activity_us,
         (SELECT array_agg(cm.user_id ORDER BY cm.join_order) FROM conversation_members cm
           WHERE cm.conversation_id = mine.id)::text[] AS member_ids,
         (SELECT count(*) FROM messages u
           WHERE u.conversation_id = mine.id AND u.seq > mine.last_read_seq AND u.sender_id <> $1)::int
           AS unread_count,
         lm.id AS last_id, lm.sender_id AS last_sender_id, lm.body AS last_body, lm.sent_at AS last_sent_at,
         lm.seq::text AS last_seq, lm.idempotency_key AS last_idempotency_key
    FROM mine LEFT JOIN messages lm ON lm.conversation_id = mine.id AND lm.seq = mine.last_seq
   WHERE ${filter}
   ORDER BY mine.activity_us DESC, mine.id DESC`;

const toSummary = (row: SummaryRow): ConversationSummaryRecord => ({
  conversation: {
    id: row.id,
    kind: row.kind,
    title: row.title,
    createdAt: row.created_at,
    memberIds: row.member_ids,
  },
  unreadCount: row.unread_count,
  lastMessage: row.last_id
    ? {
        id: row.last_id,
        conversationId: row.id,
        senderId: row.last_sender_id,
        body: row.last_body,
        sentAt: row.last_sent_at,
        seq: row.last_seq,
        idempotencyKey: row.last_idempotency_key,
      }
    : undefined,
  position: { activityUs: row.activity_us, id: row.id },
});

async function membership(
  query: Query,
  conversationId: string,
  userId: string,
  lock: "" | "FOR UPDATE OF c",
): Promise<Membership | undefined> {
  const rows = await query<{ kind: ConversationKind; role: MemberRole }>(
    `SELECT c.kind, m.role FROM conversations c
       JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $2
      WHERE c.id = $1 ${lock}`,
    [conversationId, userId],
  );
  return rows[0] && { conversationId, ...rows[0] };
}

/** SQL on conversations and their members. */
export function conversationQueries(query: Query) {
  return {
    findMembership: (conversationId: string, userId: string) => membership(query, conversationId, userId, ""),

    async findDirectConversationId(directKey: string): Promise<string | undefined> {
      const rows = await query<{ id: string }>(`SELECT id FROM conversations WHERE direct_key = $1`, [
        directKey,
      ]);
      return rows[0]?.id;
    },

    async getConversation(conversationId: string): Promise<ConversationRecord | undefined> {
      const rows = await query<{
        id: string;
        kind: ConversationKind;
        title: string | null;
        created_at: Date;
        member_ids: string[] | null;
      }>(
        `SELECT c.id, c.kind, c.title, c.created_at,
                (SELECT array_agg(m.user_id ORDER BY m.join_order) FROM conversation_members m
                  WHERE m.conversation_id = c.id)::text[] AS member_ids
           FROM conversations c WHERE c.id = $1`,
        [conversationId],
      );
      const row = rows[0];
      return (
        row && {
          id: row.id,
          kind: row.kind,
          title: row.title,
          createdAt: row.created_at,
          memberIds: row.member_ids ?? [],
        }
      );
    },

    async listMembers(conversationId: string): Promise<MemberRecord[]> {
      const rows = await query<{ user_id: string; role: MemberRole; joined_at: Date }>(
        `SELECT user_id, role, joined_at FROM conversation_members
          WHERE conversation_id = $1 ORDER BY join_order`,
        [conversationId],
      );
      return rows.map((row) => ({ userId: row.user_id, role: row.role, joinedAt: row.joined_at }));
    },

    /** A page of the user's conversations after `after` (exclusive), most recent activity first. */
    async listSummaries(
      userId: string,
      page: { after: ActivityPosition | undefined; limit: number },
    ): Promise<ConversationSummaryRecord[]> {
      const rows = await query<SummaryRow>(
        `${summarySql(`($2::bigint IS NULL OR (mine.activity_us, mine.id) < ($2::bigint, $3::uuid))`)} LIMIT $4`,
        [userId, page.after?.activityUs ?? null, page.after?.id ?? null, page.limit],
      );
      return rows.map(toSummary);
    },

    async getSummary(userId: string, conversationId: string): Promise<ConversationSummaryRecord | undefined> {
      const rows = await query<SummaryRow>(summarySql(`mine.id = $2`), [userId, conversationId]);
      return rows[0] && toSummary(rows[0]);
    },

    async unreadCount(conversationId: string, userId: string): Promise<number> {
      const rows = await query<{ unread: number }>(
        `SELECT count(*)::int AS unread FROM messages u
           JOIN conversation_members m ON m.conversation_id = u.conversation_id AND m.user_id = $2
          WHERE u.conversation_id = $1 AND u.seq > m.last_read_seq AND u.sender_id <> $2`,
        [conversationId, userId],
      );
      return rows[0]?.unread ?? 0;
    },

    /** Which of `userIds` are in at least one conversation with the user. */
    async sharingAConversationWith(userId: string, userIds: string[]): Promise<string[]> {
      const rows = await query<{ user_id: string }>(
        `SELECT DISTINCT other.user_id FROM conversation_members mine
           JOIN conversation_members other ON other.conversation_id = mine.conversation_id
          WHERE mine.user_id = $1 AND other.user_id = ANY($2::uuid[])`,
        [userId, userIds],
      );
      return rows.map((row) => row.user_id);
    },
  };
}

/** Writes on conversations and members; they run inside a transaction. */
export function conversationWrites(query: Query) {
  return {
    /** The caller's membership, taking the conversation's row lock until the transaction ends. */
    lockMembership: (conversationId: string, userId: string) =>
      membership(query, conversationId, userId, "FOR UPDATE OF c"),

    /** False when a direct conversation with the same key exists already (nothing is written). */
    async insertConversation(conversation: {
      id: string;
      kind: ConversationKind;
      title: string | null;
      directKey: string | null;
      createdBy: string;
    }): Promise<boolean> {
      const rows = await query(
        `INSERT INTO conversations (id, kind, title, direct_key, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (direct_key) DO NOTHING RETURNING id`,
        [
          conversation.id,
          conversation.kind,
          conversation.title,
          conversation.directKey,
          conversation.createdBy,
        ],
      );
      return rows.length === 1;
    },

    /** Adds members in the given order (their join order); existing members are left as they are. */
    async insertMembers(conversationId: string, members: { userId: string; role: MemberRole }[]) {
      await query(
        `INSERT INTO conversation_members (conversation_id, user_id, role)
         SELECT $1, m.user_id, m.role FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS m (user_id, role, n)
          ORDER BY m.n
         ON CONFLICT DO NOTHING`,
        [conversationId, members.map((m) => m.userId), members.map((m) => m.role)],
      );
    },

    async memberIds(conversationId: string): Promise<string[]> {
      const rows = await query<{ user_id: string }>(
        `SELECT user_id FROM conversation_members WHERE conversation_id = $1 ORDER BY join_order`,
        [conversationId],
      );
      return rows.map((row) => row.user_id);
    },

    /** The removed member's role, or undefined when the user was not a member. */
    async deleteMember(conversationId: string, userId: string): Promise<MemberRole | undefined> {
      const rows = await query<{ role: MemberRole }>(
        `DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2 RETURNING role`,
        [conversationId, userId],
      );
      return rows[0]?.role;
    },

    async countAdmins(conversationId: string): Promise<number> {
      const rows = await query<{ admins: number }>(
        `SELECT count(*)::int AS admins FROM conversation_members WHERE conversation_id = $1 AND role = 'admin'`,
        [conversationId],
      );
      return rows[0]?.admins ?? 0;
    },

    /** Makes the member who joined first an admin; the user id promoted, if anyone is left. */
    async promoteLongestStandingMember(conversationId: string): Promise<string | undefined> {
      const rows = await query<{ user_id: string }>(
        `UPDATE conversation_members SET role = 'admin'
          WHERE conversation_id = $1 AND user_id = (
            SELECT user_id FROM conversation_members WHERE conversation_id = $1
             ORDER BY joined_at, join_order LIMIT 1)
          RETURNING user_id`,
        [conversationId],
      );
      return rows[0]?.user_id;
    },

    /** Moves the read marker forward, never back. */
    async advanceReadMarker(conversationId: string, userId: string, seq: string): Promise<void> {
      await query(
        `UPDATE conversation_members SET last_read_seq = greatest(last_read_seq, $3::bigint)
          WHERE conversation_id = $1 AND user_id = $2`,
        [conversationId, userId, seq],
      );
    },
  };
}
