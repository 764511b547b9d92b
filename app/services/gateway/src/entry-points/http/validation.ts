import { AppError } from "@parley/errors";
import type { z } from "zod";

/** A 400 that lists each invalid field as a JSON pointer into the request part. */
export class ValidationError extends AppError {
  constructor(readonly errors: { pointer: string; detail: string }[]) {
    super("invalid_argument", errors.map((e) => `${e.pointer || "/"}: ${e.detail}`).join("; "));
  }
}

function pointerOf(part: string, path: PropertyKey[]): string {
  return `#/${part}${path.map((segment) => `/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}`;
}

/**
 * Parses one part of a request (body, query, path parameters) or a single header value, or throws
 * ValidationError. `name` is the header's name, used in its pointer.
 */
export function parsePart<T>(
  part: "body" | "query" | "params" | "headers",
  schema: z.ZodType<T>,
  value: unknown,
  name?: string,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const prefix = name === undefined ? [] : [name];
  throw new ValidationError(
    result.error.issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => ({
            pointer: pointerOf(part, [...prefix, ...issue.path, key]),
            detail: "is not a known field",
          }))
        : [{ pointer: pointerOf(part, [...prefix, ...issue.path]), detail: issue.message }],
    ),
  );
}
