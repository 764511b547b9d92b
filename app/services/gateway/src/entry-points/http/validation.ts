import { AppError } from "@parley/errors";
import { parse as parseCookies } from "cookie";
import type { Request } from "express";
import { z } from "zod";
import type { RouteDescription } from "./route";

/** A 400 that lists each invalid field as a JSON pointer into the request part. */
export class ValidationError extends AppError {
  constructor(readonly errors: { pointer: string; detail: string }[]) {
    super("invalid_argument", errors.map((e) => `${e.pointer || "/"}: ${e.detail}`).join("; "));
  }
}

function pointerOf(part: string, path: PropertyKey[]): string {
  return `#/${part}${path.map((segment) => `/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}`;
}

/** Parses one part of a request (body, query, path parameters, headers), or throws ValidationError. */
export function parsePart<T>(
  part: "body" | "query" | "params" | "headers" | "cookies",
  schema: z.ZodType<T>,
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => ({
            pointer: pointerOf(part, [...issue.path, key]),
            detail: "is not a known field",
          }))
        : [{ pointer: pointerOf(part, issue.path), detail: issue.message }],
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
  route: Pick<RouteDescription, "body" | "query" | "params" | "headers" | "cookies">,
  request: Request,
): {
  body: unknown;
  query: unknown;
  params: unknown;
  headers: unknown;
  cookies: Record<string, string | undefined>;
} {
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
  const { body, query, params, headers, cookies } = route;
  const declaredHeaders = () =>
    Object.fromEntries(Object.keys(headers!.shape).map((name) => [name, request.get(name)]));
  const declaredCookies = () => {
    const sent = parseCookies(request.get("cookie") ?? "");
    return Object.fromEntries(Object.keys(cookies!.shape).map((name) => [name, sent[name]]));
  };
  const parsed = {
    headers: headers ? attempt(() => parsePart("headers", headers, declaredHeaders())) : undefined,
    body: body ? attempt(() => parsePart("body", body, request.body)) : undefined,
    query: query
      ? attempt(() => parsePart("query", query, splitArrayParameters(query, request.query)))
      : undefined,
    params: params ? attempt(() => parsePart("params", params, request.params)) : undefined,
    cookies: (cookies && attempt(() => parsePart("cookies", cookies, declaredCookies()))) ?? {},
  };
  if (errors.length) throw new ValidationError(errors);
  return parsed;
}
