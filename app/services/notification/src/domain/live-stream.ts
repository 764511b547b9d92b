import { randomUUID } from "node:crypto";
import type { Caller } from "@parley/access-token";
import { invalidArgument } from "@parley/errors";
import type { Logger } from "@parley/logger";
import { notificationMetrics, traceExemplar } from "@parley/metrics";
import { inSpan } from "@parley/telemetry";
import type { NotificationDependencies } from "./dependencies";
import type { OpenStream } from "./stream-registry";
import type { NotificationRecord } from "../data-access/records";

const CATCH_UP_BATCH = 500;

/** Where a stream goes (the gRPC entry point shapes the messages). */
export interface StreamSink {
  /** Sends one notification; called inside the span of the trace that created it. */
  notification(record: NotificationRecord): Promise<void>;
  heartbeat(): Promise<void>;
  /** Aborted when the client goes away or the server shuts down. */
  signal: AbortSignal;
  logger: Logger;
}

function sequenceOf(text: string): number {
  if (text === "") return 0;
  if (!/^\d{1,15}$/.test(text)) throw invalidArgument("after_sequence must be a non-negative whole number.");
  return Number(text);
}

/**
 * Streams the caller's notifications: first those after `afterSequence` from the database, then
 * live ones as they are created, each exactly once and in sequence order. A live notification
 * that skips ahead means one was missed (or is still in flight on another path): the stream reads
 * the gap from the database, where any later sequence implies the earlier ones are committed.
 * Heartbeats (the registry's, one for all streams) keep proxies from closing the stream, renew
 * its lease and the caller's presence, and catch up from the database when a live message was
 * lost. One step runs at a time per stream.
 */
export async function streamNotifications(
  deps: NotificationDependencies,
  { userId }: Caller,
  afterSequence: string,
  sink: StreamSink,
): Promise<void> {
  let last = sequenceOf(afterSequence);

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  if (sink.signal.aborted) finish();
  sink.signal.addEventListener("abort", () => finish(), { once: true });

  let chain: Promise<void> = Promise.resolve();
  let failed: unknown;
  const fail = (error: unknown) => {
    failed ??= error;
    finish();
  };
  const step = (work: () => Promise<void>) => {
    chain = chain.then(async () => {
      if (sink.signal.aborted || failed) return;
      try {
        await work();
      } catch (error) {
        fail(error);
      }
    });
    return chain;
  };

  /**
   * Pushes one notification down the stream in a span of the trace that created it: the live
   * path's active context, or the trace context stored with the notification for replays.
   */
  const send = (record: NotificationRecord, storedTraceContext?: Record<string, string>) =>
    inSpan(
      "notification push",
      storedTraceContext,
      { "parley.notification.sequence": String(record.sequence) },
      async () => {
        await sink.notification(record);
        last = record.sequence;
        notificationMetrics().delivery.observe({
          labels: { kind: record.detail.kind },
          value: (Date.now() - record.occurredAt.getTime()) / 1000,
          exemplarLabels: traceExemplar(),
        });
      },
    );
  const catchUp = async () => {
    for (;;) {
      const records = await deps.store.after(userId, last, CATCH_UP_BATCH);
      for (const record of records) await send(record, record.traceContext);
      if (records.length < CATCH_UP_BATCH) return;
    }
  };

  const stream: OpenStream = {
    id: randomUUID(),
    userId,
    heartbeat: (committed) =>
      void step(async () => {
        await sink.heartbeat();
        if (last < committed) await catchUp();
      }),
    fail,
  };

  const unsubscribe = await deps.hub.subscribe(userId, (record) => {
    void step(async () => {
      if (record.sequence <= last) return;
      if (record.sequence === last + 1) await send(record);
      else await catchUp();
    });
  });
  try {
    await deps.streams.open(stream);
  } catch (error) {
    unsubscribe();
    throw error;
  }
  notificationMetrics().streamsOpen.inc();

  try {
    await step(catchUp);
    await finished;
  } finally {
    unsubscribe();
    notificationMetrics().streamsOpen.dec();
    await chain;
    await deps.streams
      .close(stream)
      .catch((error: unknown) => sink.logger.warn({ err: error }, "could not record the end of a stream"));
  }
  if (failed && !sink.signal.aborted) throw failed;
}
