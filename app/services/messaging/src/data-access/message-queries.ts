import type { MessageRecord } from "./records";
import type { Query } from "@parley/database";

interface MessageRow {
  id: string;
  conversation_id: string;
  sender_id: string;
  body: string;
  sent_at: Date;
  seq: string;
  idempotency_key: string;
}

const COLUMNS = `id, conversation_id, sender_id, body, sent_at, seq::text AS seq, idempotency_key`;

const toMessage = (row: MessageRow): MessageRecord => ({
  id: row.id,
  conversationId: row.conversation_id,
  senderId: row.sender_id,
  body: row.body,
  sentAt: row.sent_at,
  seq: row.seq,
  idempotencyKey: row.idempotency_key,
});

/** SQL on messages. */
export function messageQueries(query: Query) {
  return {
    async findMessageByIdempotencyKey(senderId: string, key: string): Promise<MessageRecord | undefined> {
      const rows = await query<MessageRow>(
        `SELECT ${COLUMNS} FROM messages WHERE sender_id = $1 AND idempotency_key = $2`,
        [senderId, key],
      );
      return rows[0] && toMessage(rows[0]);
    },

    async findMessage(conversationId: string, messageId: string): Promise<MessageRecord | undefined> {
      const rows = await query<MessageRow>(
        `SELECT ${COLUMNS} FROM messages WHERE id = $1 AND conversation_id = $2`,
        [messageId, conversationId],
      );
      return rows[0] && toMessage(rows[0]);
    },

    /** Newest first, only messages before `beforeSeq` when given (keyset on the per-conversation seq). */
    async listMessages(
      conversationId: string,
      page: { beforeSeq: string | undefined; limit: number },
    ): Promise<MessageRecord[]> {
      const rows = await query<MessageRow>(
        `SELECT ${COLUMNS} FROM messages
          WHERE conversation_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint)
          ORDER BY messages.seq DESC LIMIT $3`,
        [conversationId, page.beforeSeq ?? null, page.limit],
      );
      return rows.map(toMessage);
    },
  };
}

/** What `appendMessage` did: stored the new message, found the sender's earlier one, or neither. */
export type AppendOutcome =
  | { kind: "appended"; message: MessageRecord; memberIds: string[] }
  | { kind: "repeated"; message: MessageRecord }
  /** Another send by the same sender took the key meanwhile (nothing was written). */
  | { kind: "key_taken" };

/** Writes on messages; they run inside a transaction. */
export function messageWrites(query: Query) {
  return {
    /**
     * One statement, run while the caller holds the conversation's row lock: returns the sender's
     * earlier message with this idempotency key if there is one; otherwise takes the conversation's
     * next number and the send time (the UPDATE keeps the row lock, so numbers have no gaps or
     * duplicates), inserts the message, and returns it with the members at that moment.
     */
    async appendMessage(message: Omit<MessageRecord, "seq" | "sentAt">): Promise<AppendOutcome> {
      const rows = await query<MessageRow & { source: "appended" | "repeated"; member_ids: string[] }>(
        `WITH prior AS (
           SELECT ${COLUMNS} FROM messages WHERE sender_id = $3 AND idempotency_key = $5
         ), numbered AS (
           UPDATE conversations SET last_seq = last_seq + 1, last_message_at = clock_timestamp()
            WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM prior)
            RETURNING last_seq, last_message_at
         ), appended AS (
           INSERT INTO messages (id, conversation_id, seq, sender_id, body, idempotency_key, sent_at)
           SELECT $1, $2, last_seq, $3, $4, $5, last_message_at FROM numbered
           ON CONFLICT (sender_id, idempotency_key) DO NOTHING
           RETURNING ${COLUMNS}
         )
         SELECT 'appended' AS source, appended.*,
                (SELECT array_agg(user_id ORDER BY join_order) FROM conversation_members
                  WHERE conversation_id = $2) AS member_ids
           FROM appended
         UNION ALL
         SELECT 'repeated', prior.*, NULL FROM prior`,
        [message.id, message.conversationId, message.senderId, message.body, message.idempotencyKey],
      );
      const row = rows[0];
      if (!row) return { kind: "key_taken" };
      if (row.source === "repeated") return { kind: "repeated", message: toMessage(row) };
      return { kind: "appended", message: toMessage(row), memberIds: row.member_ids };
    },
  };
}
