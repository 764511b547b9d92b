import type { MigrationInterface, QueryRunner } from "@parley/database";

/** The trace context of the event that created each notification, so replays continue its trace. */
export class AddNotificationTraceContext1732800000000 implements MigrationInterface {
  name = "AddNotificationTraceContext1732800000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE notifications ADD COLUMN trace_context jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE notifications DROP COLUMN trace_context`);
  }
}
