import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from "express";
import { rateLimit, ipKeyGenerator } from "express-rate-limit";
import helmet from "helmet";
import { type Caller, bearerToken } from "@parley/access-token";
import type { Logger } from "@parley/logger";
import { apiReference } from "./api-reference";
import { problemForError, problemOf, sendProblem } from "./problem";
import { requestContext } from "./request-context";
import type { RateLimit, Route } from "./route";
import { webClient } from "./web-client";

export interface HttpAppOptions {
  routes: Route[];
  openapi: object;
  /** Resolves the caller of an authenticated route from its bearer token, or rejects with 401. */
  authenticate(accessToken: string | undefined): Promise<Caller>;
  logger: Logger;
  trustProxy: string;
  rateLimits: { authPerMinute: number; perMinute: number };
  /** The web client's build, served at `/`. */
  webRoot: string;
}

const BODY_LIMIT = "64kb";

function trustProxySetting(value: string): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * Turns the errors Express raises while reading a request into problem documents: body-parser's
 * (malformed JSON, too large, bad charset) and the router's (a path that is not valid
 * percent-encoding, which it marks with status 400).
 */
function bodyParserProblem(error: { type?: string; status?: number }) {
  switch (error.type) {
    case "entity.parse.failed":
      return problemOf(400, "malformed_json", "Malformed JSON", "The request body is not valid JSON.");
    case "entity.too.large":
      return problemOf(413, "body_too_large", "Content too large", `The request body exceeds ${BODY_LIMIT}.`);
    case "charset.unsupported":
    case "encoding.unsupported":
      return problemOf(
        415,
        "unsupported_encoding",
        "Unsupported media type",
        "Send UTF-8 JSON without content encoding.",
      );
    default:
      return error.status !== undefined && error.status >= 400 && error.status < 500
        ? problemOf(error.status, "bad_request", "Bad request", "The request could not be read.")
        : undefined;
  }
}

function limiter(perMinute: number, keyOf: (request: Request, response: Response) => string) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: keyOf,
    handler: (request, response) => {
      const resetTime = (request as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, (resetTime.getTime() - Date.now()) / 1000) : 60;
      sendProblem(
        response,
        problemOf(429, "rate_limited", "Too many requests", "Request rate limit reached; retry later.", {
          requestId: response.locals.requestId as string,
        }),
        seconds,
      );
    },
  });
}

/** The public HTTP API: security headers, request ids, body limits, routes, problem documents. */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const { routes, openapi, authenticate, logger } = options;
  const app = express();
  // API answers are not cached by validators; hashing every JSON body for an ETag is wasted work.
  app.set("etag", false);
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxySetting(options.trustProxy));
  app.set("query parser", "simple");
  app.use(requestContext(logger));
  app.use(helmet());
  app.use(express.json({ limit: BODY_LIMIT, type: ["application/json", "application/*+json"] }));

  const ipKey = (request: Request) => ipKeyGenerator(request.ip ?? "unknown");
  const limiters: Record<RateLimit, ReturnType<typeof limiter>> = {
    auth: limiter(options.rateLimits.authPerMinute, ipKey),
    api: limiter(options.rateLimits.perMinute, (request, response) => {
      const caller = response.locals.caller as Caller | undefined;
      return caller ? `user:${caller.userId}` : ipKey(request);
    }),
  };

  // Requests whose token is refused count per address too: otherwise they would be load nobody
  // limits (each one may cost a session check in the auth service).
  const refusedLimiter = limiter(options.rateLimits.perMinute, ipKey);

  const authenticated = async (request: Request, response: Response, next: NextFunction) => {
    try {
      response.locals.caller = await authenticate(bearerToken(request.get("authorization")));
    } catch (error) {
      return refusedLimiter(request, response, () => next(error));
    }
    next();
  };

  for (const route of routes) {
    const chain = [
      ...(route.authenticated ? [authenticated] : []),
      limiters[route.rateLimit],
      async (request: Request, response: Response) => {
        if (route.body && !request.is(["application/json", "application/*+json"])) {
          return sendProblem(
            response,
            problemOf(
              415,
              "unsupported_media_type",
              "Unsupported media type",
              "Send the request body as application/json.",
              {
                requestId: response.locals.requestId as string,
              },
            ),
          );
        }
        await route.serve(request, response, response.locals.caller as Caller | undefined);
      },
    ];
    app[route.method](route.path, ...chain);
  }

  app.get("/openapi.json", (_request, response) => {
    response.json(openapi);
  });
  app.use("/docs", apiReference());
  app.use(webClient(options.webRoot, logger));

  app.use((request: Request, response: Response) => {
    const allowed = routes
      .filter((route) => matchesPath(route.path, request.path))
      .map((route) => route.method.toUpperCase());
    if (allowed.length) {
      response.setHeader("Allow", allowed.join(", "));
      return sendProblem(
        response,
        problemOf(
          405,
          "method_not_allowed",
          "Method not allowed",
          `Use ${allowed.join(" or ")} on this path.`,
        ),
      );
    }
    sendProblem(
      response,
      problemOf(404, "no_route", "Not found", "No such route.", { instance: request.path }),
    );
  });

  const onError: ErrorRequestHandler = (error: unknown, request, response, _next) => {
    if (response.headersSent) {
      logger.warn({ err: error }, "error after the response started");
      response.end();
      return;
    }
    const requestId = response.locals.requestId as string;
    const parserProblem =
      typeof error === "object" && error !== null && ("type" in error || "status" in error)
        ? bodyParserProblem(error as { type?: string; status?: number })
        : undefined;
    if (parserProblem) return sendProblem(response, { ...parserProblem, requestId });
    const { problem, retryAfterSeconds } = problemForError(error, logger.child({ request_id: requestId }));
    sendProblem(response, { ...problem, instance: request.path, requestId }, retryAfterSeconds);
  };
  app.use(onError);
  return app;
}

/** Whether an Express path pattern (`/v1/things/:id`) matches a concrete path. */
function matchesPath(pattern: string, path: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/:[A-Za-z]+/g, "[^/]+")}/?$`);
  return regex.test(path);
}
