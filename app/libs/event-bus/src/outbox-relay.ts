import { backoffDelay } from "@parley/backoff";
import { ROOT_CONTEXT, context, propagation } from "@opentelemetry/api";
import type { ServiceDatabase } from "@parley/database";
import type { Logger } from "@parley/logger";
import { eventPublisherMetrics, outboxGauges } from "@parley/metrics";
import type { ConfirmChannel } from "amqplib";
import type { BrokerConnection } from "./broker-connection";
import { EVENT_VERSION } from "./event-types";
import { type OutboxTransactions, outboxTransactions } from "./outbox";
import { type TopologyNames, declareEventExchange } from "./topology";

export interface RelayOptions {
  db: ServiceDatabase;
  broker: BrokerConnection;
  names: TopologyNames;
  logger: Logger;
  /** Rows published per transaction. */
  batchSize?: number;
  /** How often an idle relay looks for rows written by other processes. */
  pollIntervalMs?: number;
  /** Published rows are deleted after this long. */
  retentionMs?: number;
}

export interface OutboxRow {
  id: string;
  event_id: string;
  event_type: string;
  payload: Buffer;
  trace_headers: Record<string, string>;
  occurred_at: Date;
}

export interface OutboxRelay {
  /**
   * Runs `work` in one transaction. The events it enqueues are written with its changes and
   * published as soon as it commits (the relay is woken then rather than at its next poll).
   */
  transaction: OutboxTransactions;
  /** Rows not yet published, and the age in seconds of the oldest one (0 when none). */
  backlog(): Promise<{ pending: number; oldestAgeSeconds: number }>;
  stop(): Promise<void>;
}

/**
 * Publishes outbox rows to the events exchange in id order with publisher confirms, and marks
 * them published only once the broker has confirmed them. Rows are locked with
 * `FOR UPDATE SKIP LOCKED`, so any number of relays (one per replica) can run: each row is taken
 * by one relay at a time, and one that dies before committing leaves its rows to the others.
 */
export function startOutboxRelay(options: RelayOptions): OutboxRelay {
  const {
    db,
    broker,
    names,
    logger,
    batchSize = 100,
    pollIntervalMs = 250,
    retentionMs = 24 * 3600_000,
  } = options;
  const publisher = broker.channel<ConfirmChannel>({
    name: "outbox-relay",
    confirm: true,
    setup: (channel) => declareEventExchange(channel, names),
  });

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let wakeRequested = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let lastCleanup = 0;

  /**
   * Publishes one batch; true when it was full (more may be waiting). The statement that takes the
   * rows also marks them published, one round trip fewer per batch: the mark only commits once the
   * broker has confirmed every row, and a refused confirm rolls it back with the transaction.
   */
  async function publishBatch(channel: ConfirmChannel): Promise<boolean> {
    const counters = eventPublisherMetrics();
    return db.transaction(async (query) => {
      const rows = await query<OutboxRow>(
        `UPDATE outbox SET published_at = now()
          WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL
                        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING id, event_id, event_type, payload, trace_headers, occurred_at`,
        [batchSize],
      );
      if (rows.length === 0) return false;
      // RETURNING keeps no order; events go out in the order they were written.
      rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      for (const row of rows) {
        // Published in the trace of the request that wrote the row: the amqplib instrumentation
        // opens the PRODUCER span under it and puts that span's context in the message headers.
        context.with(propagation.extract(ROOT_CONTEXT, row.trace_headers), () =>
          channel.publish(names.events, row.event_type, row.payload, {
            persistent: true,
            messageId: row.event_id,
            type: row.event_type,
            contentType: "application/x-protobuf",
            timestamp: Math.floor(row.occurred_at.getTime() / 1000),
            headers: {
              "event-id": row.event_id,
              "event-type": row.event_type,
              "event-version": EVENT_VERSION,
              "occurred-at": row.occurred_at.toISOString(),
            },
          }),
        );
        counters.published.inc({ event_type: row.event_type });
      }
      try {
        await channel.waitForConfirms();
      } catch (error) {
        for (const row of rows) counters.nacked.inc({ event_type: row.event_type });
        throw error;
      }
      for (const row of rows) counters.confirmed.inc({ event_type: row.event_type });
      return rows.length === batchSize;
    });
  }

  async function cleanup() {
    if (Date.now() - lastCleanup < 60_000) return;
    lastCleanup = Date.now();
    await db.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE published_at < now() - make_interval(secs => $1) LIMIT 10000)`,
      [retentionMs / 1000],
    );
  }

  async function cycle(): Promise<void> {
    timer = undefined;
    wakeRequested = false;
    const channel = publisher.current();
    let delay = pollIntervalMs;
    if (channel) {
      try {
        while (!stopped && (await publishBatch(channel))) {
          // a full batch: more rows may be waiting
        }
        await cleanup();
        failures = 0;
      } catch (error) {
        delay = backoffDelay(failures, { baseMs: pollIntervalMs, maxMs: 10_000 });
        failures += 1;
        logger.warn({ err: error, retryInMs: delay }, "outbox relay could not publish; will retry");
      }
    }
    schedule(wakeRequested ? 0 : delay);
  }

  function schedule(delay: number) {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      running = cycle();
    }, delay);
  }

  function wake() {
    wakeRequested = true;
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
      schedule(0);
    }
  }

  schedule(0);

  const relay: OutboxRelay = {
    transaction: outboxTransactions(db, wake),
    async backlog() {
      const rows = await db.query<{ pending: string; oldest_age: number | null }>(
        `SELECT count(*) AS pending, extract(epoch FROM now() - min(occurred_at)) AS oldest_age
           FROM outbox WHERE published_at IS NULL`,
      );
      return { pending: Number(rows[0]?.pending ?? 0), oldestAgeSeconds: Number(rows[0]?.oldest_age ?? 0) };
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
  outboxGauges(() => relay.backlog());
  return relay;
}
