import { type Context, context, propagation } from "@opentelemetry/api";
import { isUuid } from "@parley/contracts";
import type { MigrationInterface, Query, QueryRunner, ServiceDatabase } from "@parley/database";
import { isTransientError } from "@parley/errors";
import type { Logger } from "@parley/logger";
import { eventConsumerMetrics } from "@parley/metrics";
import type { ConfirmChannel, ConsumeMessage } from "amqplib";
import type { BrokerConnection } from "./broker-connection";
import { type EventType, type ReceivedEvent, eventCodecs, isEventType } from "./event-types";
import { type TopologyNames, declareConsumerQueue, retryQueueOf } from "./topology";

export type Outcome = "processed" | "duplicate" | "retried" | "dead-lettered";

export interface ConsumerOptions<Result> {
  broker: BrokerConnection;
  db: ServiceDatabase;
  names: TopologyNames;
  /** The consumer's name: its queue is `<namespace>.<consumer>.events`. */
  consumer: string;
  eventTypes: readonly EventType[];
  /**
   * Handles a batch of events, in delivery order, inside the transaction that also records them
   * as processed; returns one result per event, in the same order.
   */
  handle(events: ReceivedEvent[], query: Query): Promise<Result[]>;
  /** Runs for each event after that transaction committed and the message was acknowledged. */
  afterCommit?(event: ReceivedEvent, result: Result): void;
  logger: Logger;
  /** Unacknowledged messages in flight per consumer, and the largest batch. */
  prefetch?: number;
  /** Attempts before an event that keeps failing is dead-lettered. */
  maxAttempts?: number;
  /** Backoff before the n-th retry (the last value repeats). */
  retryDelaysMs?: number[];
  /** Metrics hook, called once per delivery. */
  onOutcome?(event: ReceivedEvent | undefined, outcome: Outcome): void;
}

export interface EventConsumer {
  /** Stops taking deliveries and waits for those in progress. */
  stop(): Promise<void>;
}

/** A delivery read into an event, with the channel to settle it on and its trace's context. */
interface Delivery {
  channel: ConfirmChannel;
  message: ConsumeMessage;
  event: ReceivedEvent;
  context: Context;
}

const headerOf = (message: ConsumeMessage, name: string): unknown => message.properties.headers?.[name];

/** The event type label of a delivery, before it is decoded. */
const typeOf = (message: ConsumeMessage): string => {
  const type = headerOf(message, "event-type");
  return isEventType(type) ? type : "unreadable";
};

/**
 * Reads a delivery into an event, or undefined if it is not one we can read (poison). Called where
 * the delivery's consume span is active, whose trace context the event carries on.
 */
function decodeEvent(message: ConsumeMessage): ReceivedEvent | undefined {
  const id = headerOf(message, "event-id");
  const type = headerOf(message, "event-type");
  const occurredAt = new Date(String(headerOf(message, "occurred-at")));
  if (typeof id !== "string" || !isUuid(id) || !isEventType(type) || Number.isNaN(occurredAt.getTime())) {
    return undefined;
  }
  try {
    const payload = eventCodecs[type].decode(message.content);
    const attempt = Number(headerOf(message, "x-attempt") ?? 1);
    const traceContext: Record<string, string> = {};
    propagation.inject(context.active(), traceContext);
    return {
      id: id.toLowerCase(),
      type,
      occurredAt,
      payload,
      attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
      traceContext,
    } as ReceivedEvent;
  } catch {
    return undefined;
  }
}

/**
 * Consumes a durable queue with manual acknowledgements. Deliveries are handled one batch at a
 * time, in delivery order (so the events of one conversation stay in order): each batch is
 * whatever arrived while the previous one was being handled, up to `prefetch`, in one database
 * transaction that also records the events' ids; a redelivered event finds its id recorded and is
 * only acknowledged. A batch that fails is handled again one event at a time, so one bad event
 * holds back no other. Failures are retried after a backoff (through the retry queue); an event
 * that fails `maxAttempts` times, or cannot be read at all, goes to the dead-letter queue.
 * Failures of the database itself are retried without counting, so an outage never dead-letters
 * good events.
 */
export function startEventConsumer<Result>(options: ConsumerOptions<Result>): EventConsumer {
  const { broker, db, names, consumer, eventTypes, logger } = options;
  const { prefetch = 32, maxAttempts = 5, retryDelaysMs = [200, 1000, 5000, 15_000] } = options;
  const queue = names.consumerQueue(consumer);
  const settled = (event: ReceivedEvent | undefined, outcome: Outcome) => {
    const counters = eventConsumerMetrics();
    const labels = { consumer, event_type: event?.type ?? "unreadable" };
    if (outcome === "processed" || outcome === "duplicate") counters.acked.inc(labels);
    if (outcome === "duplicate") counters.duplicates.inc(labels);
    if (outcome === "retried") counters.retried.inc(labels);
    if (outcome === "dead-lettered") counters.deadLettered.inc(labels);
    options.onOutcome?.(event, outcome);
  };
  const pending: Delivery[] = [];
  let draining: Promise<void> | undefined;
  let consumerTag: string | undefined;
  let stopped = false;

  /** Handles the batch in one transaction; on failure, each event alone (or its retry). */
  async function handleBatch(batch: Delivery[]): Promise<void> {
    let committed: { fresh: Delivery[]; results: Result[] };
    try {
      // Spans of the shared transaction join the first event's trace.
      committed = await context.with(batch[0]!.context, () =>
        db.transaction(async (query) => {
          const recorded = await query<{ event_id: string }>(
            `INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[])
             ON CONFLICT DO NOTHING RETURNING event_id`,
            [consumer, batch.map((delivery) => delivery.event.id)],
          );
          const unseen = new Set(recorded.map((row) => row.event_id));
          // The same event twice in one batch (published again) is handled once.
          const fresh = batch.filter((delivery) => unseen.delete(delivery.event.id));
          const results = fresh.length
            ? await options.handle(
                fresh.map((delivery) => delivery.event),
                query,
              )
            : [];
          return { fresh, results };
        }),
      );
    } catch (error) {
      if (batch.length === 1) return retryOrDeadLetter(batch[0]!, error);
      for (const delivery of batch) await handleBatch([delivery]);
      return;
    }
    for (const delivery of batch) delivery.channel.ack(delivery.message);
    committed.fresh.forEach((delivery, index) =>
      context.with(delivery.context, () => options.afterCommit?.(delivery.event, committed.results[index]!)),
    );
    for (const delivery of batch) {
      settled(delivery.event, committed.fresh.includes(delivery) ? "processed" : "duplicate");
    }
  }

  async function retryOrDeadLetter({ channel, message, event }: Delivery, error: unknown): Promise<void> {
    const transient = isTransientError(error);
    if (!transient && event.attempt >= maxAttempts) {
      logger.error(
        { err: error, eventId: event.id, type: event.type, attempt: event.attempt },
        "event failed too often; dead-lettering it",
      );
      channel.nack(message, false, false);
      return settled(event, "dead-lettered");
    }
    const nextAttempt = transient ? event.attempt : event.attempt + 1;
    const delay = retryDelaysMs[Math.min(event.attempt - 1, retryDelaysMs.length - 1)] ?? 1000;
    logger.warn(
      { err: error, eventId: event.id, type: event.type, attempt: event.attempt, retryInMs: delay },
      "event failed; will retry",
    );
    channel.sendToQueue(retryQueueOf(queue), message.content, {
      ...message.properties,
      expiration: String(delay),
      headers: { ...message.properties.headers, "x-attempt": nextAttempt },
    });
    await channel.waitForConfirms();
    channel.ack(message);
    settled(event, "retried");
  }

  async function drain(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.splice(0, prefetch);
      await handleBatch(batch).catch((error: unknown) =>
        logger.warn({ err: error, queue }, "deliveries not settled; the broker will redeliver them"),
      );
    }
    draining = undefined;
  }

  const managed = broker.channel<ConfirmChannel>({
    name: `consumer ${consumer}`,
    confirm: true,
    async setup(channel) {
      await declareConsumerQueue(channel, names, queue, eventTypes);
      if (stopped) return;
      await channel.prefetch(prefetch);
      const { consumerTag: tag } = await channel.consume(queue, (message) => {
        if (!message) return;
        eventConsumerMetrics().consumed.inc({ consumer, event_type: typeOf(message) });
        const event = decodeEvent(message);
        if (!event) {
          logger.warn(
            { queue, messageId: message.properties.messageId },
            "unreadable event; dead-lettering it",
          );
          channel.nack(message, false, false);
          return settled(undefined, "dead-lettered");
        }
        pending.push({ channel, message, event, context: context.active() });
        draining ??= drain();
      });
      consumerTag = tag;
    },
  });

  return {
    async stop() {
      stopped = true;
      const channel = managed.current();
      if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
      await draining;
    },
  };
}

/** The record of processed events; services that consume include this migration in their list. */
export class CreateProcessedEvents1732600000001 implements MigrationInterface {
  name = "CreateProcessedEvents1732600000001";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE processed_events (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await runner.query(`CREATE INDEX processed_events_processed_at_idx ON processed_events (processed_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE processed_events`);
  }
}
