import type { MigrationInterface, QueryRunner } from "@parley/database";

export class CreateNotificationTables1732700000000 implements MigrationInterface {
  name = "CreateNotificationTables1732700000000";

  async up(runner: QueryRunner): Promise<void> {
    // One row per user holding the last sequence handed out: its row lock orders each user's
    // notifications, so a committed sequence N+1 implies N is committed too.
    await runner.query(`
      CREATE TABLE notification_cursors (
        user_id uuid PRIMARY KEY,
        last_sequence bigint NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        sequence bigint NOT NULL,
        kind text NOT NULL,
        detail jsonb NOT NULL,
        source_event_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        UNIQUE (user_id, sequence),
        UNIQUE (user_id, source_event_id)
      )`);
    await runner.query(
      `CREATE INDEX notifications_unread_idx ON notifications (user_id, sequence) WHERE read_at IS NULL`,
    );
    await runner.query(`
      CREATE TABLE presence (
        user_id uuid PRIMARY KEY,
        last_seen_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE live_streams (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX live_streams_user_id_idx ON live_streams (user_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE live_streams, presence, notifications, notification_cursors`);
  }
}
