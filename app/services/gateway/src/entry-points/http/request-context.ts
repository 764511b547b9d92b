import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "@parley/logger";

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Gives each request an id (the client's `X-Request-Id` when well-formed), echoes it, and writes
 * one access-log line when the response is finished.
 */
export function requestContext(logger: Logger) {
  return (request: Request, response: Response, next: NextFunction) => {
    const offered = request.get("x-request-id");
    const requestId = offered && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
    const started = process.hrtime.bigint();
    response.locals.requestId = requestId;
    response.setHeader("X-Request-Id", requestId);
    response.on("finish", () => {
      logger.info(
        {
          request_id: requestId,
          method: request.method,
          route: (request.route as { path?: string } | undefined)?.path ?? "unmatched",
          status: response.statusCode,
          duration_ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        },
        "http request",
      );
    });
    next();
  };
}
