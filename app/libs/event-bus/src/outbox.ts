import { randomUUID } from "node:crypto";
import { context, propagation } from "@opentelemetry/api";
import type { EntityManager, MigrationInterface, QueryRunner } from "@parley/database";
import { type EventPayload, type EventType, eventCodecs } from "./event-types";

/**
 * Writes an event into the outbox inside the caller's transaction, so it exists exactly when the
 * state change does. The active trace context goes with it: the relay publishes in the same trace.
 */
export async function enqueueEvent<T extends EventType>(
  manager: EntityManager,
  type: T,
  payload: EventPayload<T>,
  occurredAt: Date = new Date(),
): Promise<string> {
  const eventId = randomUUID();
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  const bytes = Buffer.from(
    (eventCodecs[type].encode as (message: EventPayload<T>) => { finish(): Uint8Array })(payload).finish(),
  );
  await manager.query(
    `INSERT INTO outbox (event_id, event_type, payload, trace_headers, occurred_at) VALUES ($1, $2, $3, $4, $5)`,
    [eventId, type, bytes, traceHeaders, occurredAt],
  );
  return eventId;
}

/** The outbox table; services that publish events include this migration in their list. */
export class CreateOutbox1732600000000 implements MigrationInterface {
  name = "CreateOutbox1732600000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        event_type text NOT NULL,
        payload bytea NOT NULL,
        trace_headers jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL,
        published_at timestamptz
      )`);
    await runner.query(`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL`);
    await runner.query(
      `CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE outbox`);
  }
}
