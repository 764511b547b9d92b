import type { Request, Response } from "express";
import type { z } from "zod";

/** Who is calling, once the bearer token checked out. */
export interface Caller {
  userId: string;
  sessionId: string;
  accessToken: string;
}

export interface RouteInput<Body, Query, Params> {
  body: Body;
  query: Query;
  params: Params;
  /** Present on routes that require authentication. */
  caller: Caller | undefined;
  clientAddress: string;
  headers: Request["headers"];
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

export interface HeaderSpec {
  name: string;
  description: string;
  required: boolean;
  schema: z.ZodType;
}

/**
 * One REST operation: its documentation, its input schemas and its handler. The HTTP server and
 * the OpenAPI document are both built from the same list of routes, so they cannot disagree.
 */
export interface Route<Body = unknown, Query = unknown, Params = unknown> {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Express syntax (`/v1/conversations/:conversationId`). */
  path: string;
  operationId: string;
  summary: string;
  /** A sentence or two beyond the summary: what a client should know before calling it. */
  description: string;
  tag: string;
  authenticated: boolean;
  body?: z.ZodType<Body>;
  query?: z.ZodType<Query>;
  params?: z.ZodType<Params>;
  headers?: HeaderSpec[];
  responses: Record<number, ResponseSpec>;
  /** Ordinary JSON operations. */
  handle?(input: RouteInput<Body, Query, Params>): Promise<RouteResult>;
  /** Operations that write the response themselves (Server-Sent Events). */
  stream?(input: RouteInput<Body, Query, Params>, request: Request, response: Response): Promise<void>;
}

/** Keeps each route's handler typed by its own schemas while routes share one list type. */
export function route<Body = undefined, Query = undefined, Params = undefined>(
  definition: Route<Body, Query, Params>,
): Route {
  return definition as unknown as Route;
}
