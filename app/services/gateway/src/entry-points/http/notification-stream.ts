import type { Request, Response } from "express";
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

const MAX_RESUBSCRIBE_DELAY_MS = 5000;

/**
 * Relays the caller's notification stream from the notification service as Server-Sent Events.
 * Each event's id is the notification's sequence, so a client that reconnects with
 * `Last-Event-ID` misses nothing and sees nothing twice. When the upstream stream breaks (a
 * notification replica restarting), the gateway subscribes again from the last id it sent, and
 * keeps the client's connection alive with comments meanwhile.
 */
export function relayNotificationStream(
  { notification, heartbeatSeconds, logger }: StreamSettings,
  caller: Caller,
  lastEventId: number,
  request: Request,
  response: Response,
): Promise<void> {
  response.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  response.write("retry: 2000\n\n");

  sseStreamsOpen().inc();
  let last = lastEventId;
  let closed = false;
  let upstream:
    | ReturnType<typeof openStream<notificationV1.SubscribeRequest, notificationV1.SubscribeResponse>>
    | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let delay = 100;

  const heartbeat = setInterval(
    () => response.write(`: heartbeat ${new Date().toISOString()}\n\n`),
    heartbeatSeconds * 1000,
  );

  return new Promise<void>((resolve) => {
    const finish = () => {
      if (closed) return;
      closed = true;
      sseStreamsOpen().dec();
      clearInterval(heartbeat);
      clearTimeout(retryTimer);
      upstream?.cancel();
      response.end();
      resolve();
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

    request.on("close", finish);
    response.on("error", finish);
    subscribe();
  });
}
