import { AppError } from "@parley/errors";
import type { Request } from "express";
import { z } from "zod";
import type { Route } from "./route";

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

/**
 * Array query parameters are comma-separated, as the document says (style form, explode false):
 * `?userIds=a,b`. A repeated parameter (`?userIds=a&userIds=b`) arrives as an array already.
 */
export function splitArrayParameters(schema: z.ZodType, query: Record<string, unknown>) {
  const shape: Record<string, z.ZodType> = schema instanceof z.ZodObject ? schema.shape : {};
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [
      name,
      shape[name] instanceof z.ZodArray && typeof value === "string" ? value.split(",") : value,
    ]),
  );
}

/** Parses every part of a request a route declares, reporting all invalid fields at once. */
export function parseRequest(
  route: Route,
  request: Request,
): { body: unknown; query: unknown; params: unknown } {
  const errors: ValidationError["errors"] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors.push(...error.errors);
      return undefined;
    }
  };
  for (const header of route.headers ?? []) {
    const value = request.get(header.name);
    if (value !== undefined || header.required)
      attempt(() => parsePart("headers", header.schema, value, header.name));
  }
  const parsed = {
    body: route.body ? attempt(() => parsePart("body", route.body!, request.body)) : undefined,
    query: route.query
      ? attempt(() => parsePart("query", route.query!, splitArrayParameters(route.query!, request.query)))
      : undefined,
    params: route.params ? attempt(() => parsePart("params", route.params!, request.params)) : undefined,
  };
  if (errors.length) throw new ValidationError(errors);
  return parsed;
}
