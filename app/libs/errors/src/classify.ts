import { AppError } from "./app-error";

/** Socket errors that mean a dependency cannot be reached right now. */
const transientSystemCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/**
 * PostgreSQL SQLSTATEs worth retrying: connection exceptions (08), admin/crash shutdown (57P01-3),
 * too many connections (53300), serialization failures and deadlocks (40001, 40P01).
 */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith("08") ||
    /^57P0[123]$/.test(code) ||
    code === "53300" ||
    code === "40001" ||
    code === "40P01"
  );
}

const transientMessages = [
  "Connection terminated",
  "connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error",
];

/** True for failures of infrastructure that may succeed when retried shortly. */
export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (transientSystemCodes.has(code) || isTransientSqlState(code))) return true;
  if (transientMessages.some((text) => error.message.includes(text))) return true;
  const driverError = (error as { driverError?: unknown }).driverError;
  return driverError !== undefined && driverError !== error && isTransientError(driverError);
}

/**
 * The caller-facing form of any error: AppErrors as they are, transient infrastructure failures as
 * `unavailable` with a retry hint, and anything else as `undefined` (a bug: the caller answers
 * with a generic internal error and logs the original).
 */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isTransientError(error)) {
    return new AppError("unavailable", "A dependency is temporarily unavailable; retry shortly.", {
      retryAfterSeconds: 1,
      cause: error,
    });
  }
  return undefined;
}
