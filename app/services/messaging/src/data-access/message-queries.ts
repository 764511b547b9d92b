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

/** Writes on messages; they run inside a transaction. */
export function messageWrites(query: Query) {
  return {
    /**
     * The conversation's next message number and the send time. The UPDATE holds the conversation's
     * row lock until the transaction ends, so numbers are handed out without gaps or duplicates.
     */
    async takeNextSeq(conversationId: string): Promise<{ seq: string; sentAt: Date }> {
      const rows = await query<{ seq: string; sent_at: Date }>(
        `UPDATE conversations SET last_seq = last_seq + 1, last_message_at = clock_timestamp()
          WHERE id = $1 RETURNING last_seq::text AS seq, last_message_at AS sent_at`,
        [conversationId],
      );
      const row = rows[0];
      if (!row) throw new Error(`conversation ${conversationId} vanished inside its own transaction`);
      return { seq: row.seq, sentAt: row.sent_at };
    },

    /** Undefined when the sender already used the idempotency key (nothing is written). */
    async insertMessage(message: MessageRecord): Promise<MessageRecord | undefined> {
      const rows = await query<MessageRow>(
        `INSERT INTO messages (id, conversation_id, seq, sender_id, body, idempotency_key, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sender_id, idempotency_key) DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          message.id,
          message.conversationId,
          message.seq,
          message.senderId,
          message.body,
          message.idempotencyKey,
          message.sentAt,
        ],
      );
      return rows[0] && toMessage(rows[0]);
    },
  };
}
