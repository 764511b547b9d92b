import type { Response } from "express";
import type { notificationV1 } from "@parley/contracts";
import { bearerMetadata, fromGrpcError, openStream } from "@parley/grpc";
import type { Logger } from "@parley/logger";
import { sseStreamsOpen } from "@parley/metrics";
import type { NotificationClient } from "@parley/service-clients";
import { inSpan } from "@parley/telemetry";
import { notificationJson } from "./to-json";
import type { Caller } from "@parley/access-token";

export interface StreamSettings {
  notification: NotificationClient;
  heartbeatSeconds: number;
  logger: Logger;
}

/** Relays one caller's notifications to a response from `Last-Event-ID` on. */
export type NotificationStreamRelay = (caller: Caller, lastEventId: number, response: Response) => void;

const MAX_RESUBSCRIBE_DELAY_MS = 5000;

/** Streams written to in one go by a heartbeat; the rest wait for the next turn of the event loop. */
const HEARTBEAT_SLICE = 500;

/**
 * Writes a comment to every open stream at the interval, from one timer rather than one per
 * stream (the timer runs only while streams are open), a slice at a time so that thousands of
 * streams do not hold up requests.
 */
class Heartbeats {
  private readonly streams = new Set<Response>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  add(response: Response): void {
    this.streams.add(response);
    this.timer ??= setInterval(() => this.beat(), this.intervalMs);
  }

  private beat(): void {
    const comment = `: heartbeat ${new Date().toISOString()}\n\n`;
    const due = [...this.streams];
    const writeFrom = (start: number) => {
      for (const stream of due.slice(start, start + HEARTBEAT_SLICE)) {
        if (this.streams.has(stream)) stream.write(comment);
      }
      if (start + HEARTBEAT_SLICE < due.length) setImmediate(writeFrom, start + HEARTBEAT_SLICE);
    };
    writeFrom(0);
  }

  delete(response: Response): void {
    this.streams.delete(response);
    if (this.streams.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * Relays callers' notification streams from the notification service as Server-Sent Events.
 * Each event's id is the notification's sequence, so a client that reconnects with
 * `Last-Event-ID` misses nothing and sees nothing twice. When the upstream stream breaks (a
 * notification replica restarting), the gateway subscribes again from the last id it sent, and
 * keeps the client's connection alive with comments meanwhile.
 *
 * A relay returns once the stream is set up: the connection's and the upstream call's listeners
 * keep it going, so the route's pending handler and its promises are not held for the stream's
 * lifetime.
 */
export function notificationStreamRelay({
  notification,
  heartbeatSeconds,
  logger,
}: StreamSettings): NotificationStreamRelay {
  const heartbeats = new Heartbeats(heartbeatSeconds * 1000);

  return (caller, lastEventId, response) => {
    response.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    response.write("retry: 2000\n\n");

    sseStreamsOpen().inc();
    heartbeats.add(response);
    let last = lastEventId;
    let closed = false;
    let upstream:
      | ReturnType<typeof openStream<notificationV1.SubscribeRequest, notificationV1.SubscribeResponse>>
      | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let delay = 100;

    const finish = () => {
      if (closed) return;
      closed = true;
      sseStreamsOpen().dec();
      heartbeats.delete(response);
      clearTimeout(retryTimer);
      upstream?.cancel();
      response.end();
    };

    const subscribe = () => {
      if (closed) return;
      const call = openStream(
        notification,
        notification.subscribe,
        { afterSequence: String(last) },
        {
          metadata: bearerMetadata(caller.accessToken),
        },
      );
      upstream = call;
      call.on("data", (message: notificationV1.SubscribeResponse) => {
        delay = 100;
        if (message.event?.$case !== "notification") return;
        const sequence = Number(message.event.value.sequence);
        if (sequence <= last) return;
        last = sequence;
        const json = JSON.stringify(notificationJson(message.event.value));
        // No instrumentation covers Server-Sent Events: this span joins the message's trace.
        void inSpan(
          "sse push",
          message.traceContext,
          { "parley.notification.sequence": sequence },
          async () => {
            response.write(`id: ${sequence}\nevent: notification\ndata: ${json}\n\n`);
          },
        );
      });
      call.on("error", (error) => {
        if (closed || upstream !== call) return;
        const appError = fromGrpcError(error);
        if (appError.kind === "unauthenticated" || appError.kind === "invalid_argument") {
          response.write(
            `event: error\ndata: ${JSON.stringify({ code: appError.kind, detail: appError.message })}\n\n`,
          );
          finish();
          return;
        }
        logger.warn(
          { code: appError.kind, retryInMs: delay },
          "notification stream interrupted; subscribing again",
        );
        retryTimer = setTimeout(subscribe, delay);
        delay = Math.min(delay * 2, MAX_RESUBSCRIBE_DELAY_MS);
      });
      call.on("end", () => {
        if (closed || upstream !== call) return;
        retryTimer = setTimeout(subscribe, delay);
      });
    };

    response.on("close", finish);
    response.on("error", finish);
    subscribe();
  };
}
