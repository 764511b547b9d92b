import { Metadata, type ServiceError, type StatusObject, status } from "@grpc/grpc-js";
import { AppError, type ErrorKind, errorKinds, kindOfGrpcCode, toAppError } from "@parley/errors";
import type { Logger } from "@parley/logger";

const RETRY_AFTER = "retry-after";

/**
 * Messages for failures that the gRPC runtime itself reports (no connection, deadline passed):
 * their own details describe our network and are not for end users.
 */
const runtimeFailureMessages: Partial<Record<ErrorKind, string>> = {
  internal: "Internal error.",
  unavailable: "A dependency is temporarily unavailable; retry shortly.",
  deadline_exceeded: "A dependency did not answer in time.",
  cancelled: "The call was cancelled.",
};

/** The status a handler answers with for any error it throws. Bugs are logged, never exposed. */
export function toGrpcStatus(error: unknown, logger: Logger): Partial<StatusObject> {
  const appError = toAppError(error);
  if (!appError) {
    logger.error({ err: error }, "unexpected error in gRPC handler");
    return { code: status.INTERNAL, details: "Internal error." };
  }
  const metadata = new Metadata();
  if (appError.retryAfterSeconds !== undefined) metadata.set(RETRY_AFTER, String(appError.retryAfterSeconds));
  return { code: errorKinds[appError.kind].grpc, details: appError.message, metadata };
}

/** The AppError for a failed client call, keeping our servers' messages and retry hints. */
export function fromGrpcError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const serviceError = error as Partial<ServiceError>;
  if (typeof serviceError.code !== "number")
    return new AppError("internal", "Internal error.", { cause: error });

  const kind = kindOfGrpcCode(serviceError.code);
  const retryAfterValue = serviceError.metadata?.get(RETRY_AFTER)[0];
  const sentByOurServer = retryAfterValue !== undefined || runtimeFailureMessages[kind] === undefined;
  const message = sentByOurServer ? (serviceError.details ?? "") : (runtimeFailureMessages[kind] ?? "");
  const retryAfter = Number(retryAfterValue);
  return new AppError(kind, message, {
    retryAfterSeconds: retryAfter > 0 ? retryAfter : kind === "unavailable" ? 1 : undefined,
    cause: error,
  });
}
