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
  /** Runs inside the transaction that also records the event as processed. */
  handle(event: ReceivedEvent, query: Query): Promise<Result>;
  /** Runs after that transaction committed and the message was acknowledged. */
  afterCommit?(event: ReceivedEvent, result: Result): void;
  logger: Logger;
  /** Unacknowledged messages in flight per consumer. */
  prefetch?: number;
  /** Attempts before an event that keeps failing is dead-lettered. */
  maxAttempts?: number;
  /** Backoff before the n-th retry (the last value repeats). */
  retryDelaysMs?: number[];
  /** Metrics hook, called once per delivery. */
  onOutcome?(event: ReceivedEvent | undefined, outcome: Outcome): void;
  /**
   * Events with the same key are handled one after another, in delivery order (e.g. the messages
   * of one conversation); events with different keys run concurrently, up to `prefetch`.
   */
  orderingKey?(event: ReceivedEvent): string;
}

export interface EventConsumer {
  /** Stops taking deliveries and waits for those in progress. */
  stop(): Promise<void>;
}

const headerOf = (message: ConsumeMessage, name: string): unknown => message.properties.headers?.[name];

/** The event type label of a delivery, before it is decoded. */
const typeOf = (message: ConsumeMessage): string => {
  const type = headerOf(message, "event-type");
  return isEventType(type) ? type : "unreadable";
};

/** Reads a delivery into an event, or undefined if it is not one we can read (poison). */
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
    return {
      id,
      type,
      occurredAt,
      payload,
      attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
    } as ReceivedEvent;
  } catch {
    return undefined;
  }
}

/**
 * Consumes a durable queue with manual acknowledgements. Each event is handled in a database
 * transaction that also records its id; a redelivered event finds its id recorded and is only
 * acknowledged. Failures are retried after a backoff (through the retry queue); an event that
 * fails `maxAttempts` times, or cannot be read at all, goes to the dead-letter queue. Failures of
 * the database itself are retried without counting, so an outage never dead-letters good events.
 */
export function startEventConsumer<Result>(options: ConsumerOptions<Result>): EventConsumer {
  const { broker, db, names, consumer, eventTypes, logger } = options;
  const { prefetch = 32, maxAttempts = 5, retryDelaysMs = [200, 1000, 5000, 15_000] } = options;
  const queue = names.consumerQueue(consumer);
  const countOutcome = (eventType: string, outcome: Outcome) => {
    const counters = eventConsumerMetrics();
    const labels = { consumer, event_type: eventType };
    if (outcome === "processed" || outcome === "duplicate") counters.acked.inc(labels);
    if (outcome === "duplicate") counters.duplicates.inc(labels);
    if (outcome === "retried") counters.retried.inc(labels);
    if (outcome === "dead-lettered") counters.deadLettered.inc(labels);
  };
  const inFlight = new Set<Promise<void>>();
  const lastOfKey = new Map<string, Promise<void>>();
  let consumerTag: string | undefined;
  let stopped = false;

  async function process(channel: ConfirmChannel, message: ConsumeMessage): Promise<Outcome> {
    const event = decodeEvent(message);
    if (!event) {
      logger.warn({ queue, messageId: message.properties.messageId }, "unreadable event; dead-lettering it");
      channel.nack(message, false, false);
      return "dead-lettered";
    }
    try {
      const result = await db.transaction(async (query) => {
        const recorded = await query(
          `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
          [consumer, event.id],
        );
        return recorded.length ? { value: await options.handle(event, query) } : undefined;
      });
      channel.ack(message);
      if (!result) return "duplicate";
      options.afterCommit?.(event, result.value);
      return "processed";
    } catch (error) {
      const transient = isTransientError(error);
      if (!transient && event.attempt >= maxAttempts) {
        logger.error(
          { err: error, eventId: event.id, type: event.type, attempt: event.attempt },
          "event failed too often; dead-lettering it",
        );
        channel.nack(message, false, false);
        return "dead-lettered";
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
      return "retried";
    }
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
        const handle = () => process(channel, message);
        eventConsumerMetrics().consumed.inc({ consumer, event_type: typeOf(message) });
        const event = options.orderingKey ? decodeEvent(message) : undefined;
        const key = event && options.orderingKey!(event);
        const previous = key === undefined ? undefined : lastOfKey.get(key);
        const work = (previous ?? Promise.resolve())
          .then(() => handle())
          .then((outcome) => {
            const decoded = decodeEvent(message);
            countOutcome(decoded?.type ?? "unreadable", outcome);
            options.onOutcome?.(decoded, outcome);
          })
          .catch((error: unknown) =>
            logger.warn({ err: error, queue }, "delivery not settled; the broker will redeliver it"),
          )
          .finally(() => {
            inFlight.delete(work);
            if (key !== undefined && lastOfKey.get(key) === work) lastOfKey.delete(key);
          });
        inFlight.add(work);
        if (key !== undefined) lastOfKey.set(key, work);
      });
      consumerTag = tag;
    },
  });

  return {
    async stop() {
      stopped = true;
      const channel = managed.current();
      if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
      await Promise.all(inFlight);
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
