import type { Caller } from "@parley/access-token";
import type { Request, Response } from "express";
import type { z } from "zod";
import { parseRequest } from "./validation";

export interface RouteInput<Body, Query, Params, Headers, Who> {
  body: Body;
  query: Query;
  params: Params;
  /** The declared headers, parsed by their schemas. */
  headers: Headers;
  /** The declared cookies, parsed by their schemas (absent ones are undefined). */
  cookies: Record<string, string | undefined>;
  /** Whether the request came over HTTPS (directly, or through a trusted proxy that says so). */
  secure: boolean;
  /** The authenticated caller; `undefined` on public routes. */
  caller: Who;
  clientAddress: string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ResponseSpec {
  description: string;
  /** JSON body schema; absent for empty responses and for streams. */
  schema?: z.ZodType;
  contentType?: string;
}

/** Header parameters by name (`Idempotency-Key`), each schema described; optional ones may be absent. */
export type HeaderSchemas<Headers> = z.ZodObject<Record<string, z.ZodType>> & z.ZodType<Headers>;

/** Cookie parameters by name, each an optional described string schema. */
export type CookieSchemas = z.ZodObject<Record<string, z.ZodOptional<z.ZodString>>>;

/**
 * Which budget of requests a route spends: `auth` is counted per client address (sign-up and
 * sign-in, before anyone is known), `api` per signed-in user.
 */
export type RateLimit = "auth" | "api";

/** What a route declares about itself: the OpenAPI document and the HTTP server both read it. */
export interface RouteDescription {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Express syntax (`/v1/conversations/:conversationId`). */
  path: string;
  operationId: string;
  summary: string;
  /** A sentence or two beyond the summary: what a client should know before calling it. */
  description: string;
  tag: string;
  authenticated: boolean;
  rateLimit: RateLimit;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  headers?: HeaderSchemas<unknown>;
  cookies?: CookieSchemas;
  responses: Record<number, ResponseSpec>;
}

interface Schemas<Body, Query, Params, Headers> {
  body?: z.ZodType<Body>;
  query?: z.ZodType<Query>;
  params?: z.ZodType<Params>;
  headers?: HeaderSchemas<Headers>;
  cookies?: CookieSchemas;
}

type Input<B, Q, P, H, Who> = RouteInput<B, Q, P, H, Who>;

/** An ordinary JSON operation. */
interface Unary<B, Q, P, H, Who> {
  kind: "unary";
  handle(input: Input<B, Q, P, H, Who>): Promise<RouteResult>;
}

/**
 * An operation that writes the response itself (Server-Sent Events): it sets the stream up and
 * returns, the response's own listeners carrying it on.
 */
interface Stream<B, Q, P, H, Who> {
  kind: "stream";
  stream(input: Input<B, Q, P, H, Who>, response: Response): void;
}

type Definition<B, Q, P, H, Who> = Omit<RouteDescription, "body" | "query" | "params" | "headers"> &
  Schemas<B, Q, P, H> &
  (Unary<B, Q, P, H, Who> | Stream<B, Q, P, H, Who>);

/** One REST operation, ready to serve: its description, and how to serve a request. */
export interface Route extends RouteDescription {
  /** Parses the request by the declared schemas and runs the operation (`caller` on authenticated routes). */
  serve(request: Request, response: Response, caller: Caller | undefined): Promise<void>;
}

/**
 * Declares a route, its handler typed by its own schemas and, on an authenticated route, given
 * the caller.
 */
export function route<B = undefined, Q = undefined, P = undefined, H = undefined>(
  definition: Definition<B, Q, P, H, Caller> & { authenticated: true },
): Route;
export function route<B = undefined, Q = undefined, P = undefined, H = undefined>(
  definition: Definition<B, Q, P, H, undefined> & { authenticated: false },
): Route;
export function route(definition: Definition<unknown, unknown, unknown, unknown, Caller | undefined>): Route {
  return {
    ...definition,
    async serve(request, response, caller) {
      if (definition.authenticated && !caller)
        throw new Error(`${definition.operationId} served without a caller`);
      const input = {
        ...parseRequest(definition, request),
        caller,
        clientAddress: request.ip ?? "",
        secure: request.secure,
      };
      if (definition.kind === "stream") return definition.stream(input, response);
      const result = await definition.handle(input);
      response.status(result.status).set(result.headers ?? {});
      if (result.body === undefined) response.end();
      else response.json(result.body);
    },
  };
}
