import type { Response } from "express";
import { type AppError, errorKinds, toAppError } from "@parley/errors";
import type { Logger } from "@parley/logger";
import { ValidationError } from "./validation";

/** An RFC 9457 problem document. `code` and `errors` are our extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: { pointer: string; detail: string }[];
}

export function sendProblem(response: Response, problem: Problem, retryAfterSeconds?: number): void {
  if (problem.status === 401) response.setHeader("WWW-Authenticate", 'Bearer realm="parley"');
  if (retryAfterSeconds !== undefined)
    response.setHeader("Retry-After", String(Math.ceil(retryAfterSeconds)));
  response.status(problem.status).type("application/problem+json").send(JSON.stringify(problem));
}

export function problemOf(
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Partial<Problem> = {},
): Problem {
  return { type: "about:blank", title, status, detail, code, ...extra };
}

/**
 * The one place that turns errors into HTTP answers: AppErrors (ours or from a gRPC call) keep
 * their kind's status and message; anything else is a bug, logged and answered with a bare 500.
 */
export function problemForError(
  error: unknown,
  logger: Logger,
): { problem: Problem; retryAfterSeconds?: number } {
  const appError: AppError | undefined = toAppError(error);
  if (!appError) {
    logger.error({ err: error }, "unexpected error in HTTP handler");
    return { problem: problemOf(500, "internal", "Internal error", "Something went wrong on our side.") };
  }
  const { http, title } = errorKinds[appError.kind];
  const errors = appError instanceof ValidationError ? { errors: appError.errors } : {};
  return {
    problem: problemOf(http, appError.kind, title, appError.message, errors),
    retryAfterSeconds: appError.retryAfterSeconds,
  };
}
