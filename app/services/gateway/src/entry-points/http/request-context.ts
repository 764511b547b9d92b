import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { context } from "@opentelemetry/api";
import { type Logger, accessLogger } from "@parley/logger";
import { httpServerMetrics, traceExemplar } from "@parley/metrics";

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Gives each request an id (the client's `X-Request-Id` when well-formed), echoes it, and when
 * the response is finished writes one access-log line and records its duration.
 */
export function requestContext(logger: Logger) {
  const accessLog = accessLogger(logger);
  return (request: Request, response: Response, next: NextFunction) => {
    const offered = request.get("x-request-id");
    const requestId = offered && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
    const started = process.hrtime.bigint();
    response.locals.requestId = requestId;
    response.setHeader("X-Request-Id", requestId);
    // Bound to the request's context, so the access log line and the exemplar carry its trace.
    response.on(
      "finish",
      context.bind(context.active(), () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = (request.route as { path?: string } | undefined)?.path ?? "unmatched";
        httpServerMetrics().duration.observe({
          labels: {
            http_request_method: request.method,
            http_route: route,
            http_response_status_code: response.statusCode,
          },
          value: seconds,
          exemplarLabels: traceExemplar(),
        });
        accessLog.info(
          {
            request_id: requestId,
            method: request.method,
            route,
            status: response.statusCode,
            duration_ms: Math.round(seconds * 1e5) / 100,
          },
          "http request",
        );
      }),
    );
    next();
  };
}
