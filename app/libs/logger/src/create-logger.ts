import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

/**
 * Paths removed from every log line: credentials, tokens and message bodies. Handlers log ids
 * and counts, never content; this list is the safety net for objects logged whole.
 */
export const redactedPaths = [
  "password",
  "*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "*.*.accessToken",
  "*.*.refreshToken",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "res.headers['set-cookie']",
  "body",
  "*.body",
  "*.*.body",
  "preview",
  "*.preview",
  "*.*.preview",
  "privateKey",
  "*.privateKey",
  // TypeORM's QueryFailedError (migrations) carries the bound values of the failed query, and a
  // pg DatabaseError's detail quotes the offending values ("Key (username)=(ada) already exists").
  "parameters",
  "*.parameters",
  "*.*.parameters",
  "err.detail",
];

export interface LoggerOptions {
  service: string;
  level: string;
  /**
   * Where lines go; when absent, standard output written asynchronously (tests pass a stream to
   * read them back).
   */
  destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON object per line. Standard output is written off the event loop
 * (lines logged while a write is under way go out together in the next one), which keeps a write
 * system call per request off the hot path; pino flushes what is pending when the process exits,
 * `process.exit()` and fatal errors included.
 */
export function createLogger({ service, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactedPaths, censor: "[redacted]" },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
