import type { MigrationInterface, QueryRunner } from "@parley/database";

export class CreateMessagingTables1732700000000 implements MigrationInterface {
  name = "CreateMessagingTables1732700000000";

  async up(runner: QueryRunner): Promise<void> {
    // last_seq numbers each conversation's messages; bumping it is also how a send takes the
    // conversation's row lock, so sends and membership changes of one conversation serialize.
    await runner.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('direct', 'group')),
        title text CHECK ((kind = 'group') = (title IS NOT NULL)),
        direct_key text CHECK ((kind = 'direct') = (direct_key IS NOT NULL)),
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seq bigint NOT NULL DEFAULT 0,
        last_message_at timestamptz
      )`);
    await runner.query(`CREATE UNIQUE INDEX conversations_direct_key_key ON conversations (direct_key)`);
    // join_order breaks ties between members added in one statement (same joined_at), so that
    // "in the order they joined" and "the longest-standing member" are well defined.
    await runner.query(`
      CREATE TABLE conversation_members (
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'member')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        join_order bigint GENERATED ALWAYS AS IDENTITY,
        last_read_seq bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (conversation_id, user_id)
      )`);
    // A user's conversations (ListConversations) and who shares one with whom (CheckShared...).
    await runner.query(
      `CREATE INDEX conversation_members_user_id_idx ON conversation_members (user_id, conversation_id)`,
    );
    // (conversation_id, seq) serves the newest-first keyset pages, the last message and unread counts.
    await runner.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY,
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq bigint NOT NULL CHECK (seq > 0),
        sender_id uuid NOT NULL,
        body text NOT NULL,
        idempotency_key text NOT NULL,
        sent_at timestamptz NOT NULL,
        CONSTRAINT messages_conversation_seq_key UNIQUE (conversation_id, seq),
        CONSTRAINT messages_sender_idempotency_key_key UNIQUE (sender_id, idempotency_key)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE messages, conversation_members, conversations`);
  }
}
