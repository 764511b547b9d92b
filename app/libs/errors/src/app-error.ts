import { status } from "@grpc/grpc-js";

/**
 * What went wrong, from the caller's point of view. Each kind has exactly one gRPC status code
 * and one HTTP status; `errorKinds` is the only place that pairs them.
 */
export const errorKinds = {
  invalid_argument: { grpc: status.INVALID_ARGUMENT, http: 400, title: "Invalid request" },
  unauthenticated: { grpc: status.UNAUTHENTICATED, http: 401, title: "Unauthenticated" },
  permission_denied: { grpc: status.PERMISSION_DENIED, http: 403, title: "Forbidden" },
  not_found: { grpc: status.NOT_FOUND, http: 404, title: "Not found" },
  already_exists: { grpc: status.ALREADY_EXISTS, http: 409, title: "Conflict" },
  failed_precondition: { grpc: status.FAILED_PRECONDITION, http: 409, title: "Conflict" },
  aborted: { grpc: status.ABORTED, http: 409, title: "Conflict" },
  resource_exhausted: { grpc: status.RESOURCE_EXHAUSTED, http: 429, title: "Too many requests" },
  cancelled: { grpc: status.CANCELLED, http: 499, title: "Client closed request" },
  unavailable: { grpc: status.UNAVAILABLE, http: 503, title: "Service unavailable" },
  deadline_exceeded: { grpc: status.DEADLINE_EXCEEDED, http: 504, title: "Upstream timeout" },
  internal: { grpc: status.INTERNAL, http: 500, title: "Internal error" },
} as const;

export type ErrorKind = keyof typeof errorKinds;

export interface AppErrorOptions {
  /** Seconds after which a retry may succeed (rate limits, outages). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * An operational error: expected, safe to show to the caller (its message is written for them
 * and never holds secrets), and never a reason to stop the process.
 */
export class AppError extends Error {
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const invalidArgument = (message: string) => new AppError("invalid_argument", message);
export const notFound = (message: string) => new AppError("not_found", message);

const kindByGrpcCode = new Map<number, ErrorKind>(
  Object.entries(errorKinds).map(([kind, { grpc }]) => [grpc, kind as ErrorKind]),
);

/** The kind for a gRPC status code; codes without a kind of their own (UNKNOWN, DATA_LOSS, ...) are internal. */
export function kindOfGrpcCode(code: number): ErrorKind {
  return kindByGrpcCode.get(code) ?? "internal";
}
