import { randomUUID } from "node:crypto";
import { context, propagation } from "@opentelemetry/api";
import type { MigrationInterface, Query, QueryRunner, ServiceDatabase } from "@parley/database";
import { type EventPayload, type EventType, eventCodecs } from "./event-types";

/** Writes an event to the outbox of the transaction it belongs to; resolves with the event's id. */
export type Enqueue = <T extends EventType>(
  type: T,
  payload: EventPayload<T>,
  occurredAt?: Date,
) => Promise<string>;

/** One database transaction that may also write events, published once it commits. */
export interface OutboxTransaction {
  query: Query;
  enqueue: Enqueue;
}

/** Runs `work` in one transaction that may enqueue events. */
export type OutboxTransactions = <T>(work: (tx: OutboxTransaction) => Promise<T>) => Promise<T>;

/**
 * Writes events into the outbox through `query`, a transaction's, so each exists exactly when the
 * state change does. The active trace context goes with it: the relay publishes in the same trace.
 */
const outboxWriter =
  (query: Query): Enqueue =>
  async (type, payload, occurredAt = new Date()) => {
    const eventId = randomUUID();
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    const codec = eventCodecs[type] as { encode(message: typeof payload): { finish(): Uint8Array } };
    await query(
      `INSERT INTO outbox (event_id, event_type, payload, trace_headers, occurred_at) VALUES ($1, $2, $3, $4, $5)`,
      [eventId, type, Buffer.from(codec.encode(payload).finish()), traceHeaders, occurredAt],
    );
    return eventId;
  };

/**
 * Transactions whose events go to the outbox; `committed` runs after one that enqueued any commits
 * (the relay's, which publishes them at once: OutboxRelay.transaction).
 */
export function outboxTransactions(
  db: ServiceDatabase,
  committed: () => void = () => undefined,
): OutboxTransactions {
  return async (work) => {
    let enqueued = false;
    const result = await db.transaction((query) => {
      const write = outboxWriter(query);
      return work({
        query,
        enqueue: (type, payload, occurredAt) => {
          enqueued = true;
          return write(type, payload, occurredAt);
        },
      });
    });
    if (enqueued) committed();
    return result;
  };
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
