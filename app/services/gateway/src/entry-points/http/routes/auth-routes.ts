import { bearerMetadata, callUnary } from "@parley/grpc";
import type { AuthClient } from "@parley/service-clients";
import { AppError } from "@parley/errors";
import type { SessionChecker } from "../../../upstream/session-checker";
import { type Route, route } from "../route";
import {
  REFRESH_COOKIE,
  clearedSessionCookie,
  deliverTokens,
  refreshCookie,
  sessionModeHeaders,
} from "../session-cookie";
import {
  credentialsSchema,
  jwksSchema,
  refreshRequestSchema,
  sessionSchema,
  toTokens,
  toUser,
  tokensSchema,
} from "../schemas";

export interface AuthRouteDeps {
  auth: AuthClient;
  sessions: SessionChecker;
  timeoutMs: number;
}

/** Registration, login, token refresh, logout and the public keys. */
export function authRoutes({ auth, sessions, timeoutMs }: AuthRouteDeps): Route[] {
  return [
    route({
      method: "post",
      path: "/v1/auth/register",
      operationId: "register",
      summary: "Create an account and sign in",
      description:
        "Registers a username (compared case-insensitively, stored in lowercase) with a password hashed with argon2id, opens a session and returns its tokens. A `welcome` notification follows on the new user's stream.",
      tag: "auth",
      authenticated: false,
      rateLimit: "auth",
      body: credentialsSchema,
      headers: sessionModeHeaders,
      responses: {
        201: { description: "Account created; the new session's tokens.", schema: sessionSchema },
        409: { description: "The username is taken." },
      },
      kind: "unary",
      handle: async ({ body, headers, secure }) => {
        const { user, tokens } = await callUnary(auth, "register", body, { timeoutMs });
        const mode = { cookie: headers["Parley-Session"] === "cookie", secure };
        const delivered = deliverTokens(toTokens(tokens), mode);
        return {
          status: 201,
          body: { user: toUser(user), tokens: delivered.tokens },
          headers: delivered.headers,
        };
      },
    }),
    route({
      method: "post",
      path: "/v1/auth/login",
      operationId: "login",
      summary: "Sign in with username and password",
      description:
        "Opens a new session. An unknown user and a wrong password get the same 401; after too many failures in 15 minutes (10 by default) for one username or one client address, further attempts get 429 with Retry-After. You receive a `new_sign_in` notification.",
      tag: "auth",
      authenticated: false,
      rateLimit: "auth",
      body: credentialsSchema,
      headers: sessionModeHeaders,
      responses: {
        200: { description: "Signed in; the new session's tokens.", schema: sessionSchema },
        401: { description: "Unknown username or wrong password (the same answer for both)." },
      },
      kind: "unary",
      handle: async ({ body, headers, clientAddress, secure }) => {
        const { user, tokens } = await callUnary(auth, "login", { ...body, clientAddress }, { timeoutMs });
        const mode = { cookie: headers["Parley-Session"] === "cookie", secure };
        const delivered = deliverTokens(toTokens(tokens), mode);
        return {
          status: 200,
          body: { user: toUser(user), tokens: delivered.tokens },
          headers: delivered.headers,
        };
      },
    }),
    route({
      method: "post",
      path: "/v1/auth/refresh",
      operationId: "refreshTokens",
      summary: "Exchange a refresh token for a new token pair",
      description:
        "Each refresh token works once. Presenting one that was already used revokes its whole session, since it must have leaked. A browser session (`Parley-Session: cookie`) sends `{}` and its cookie, and gets the next refresh token in the cookie again.",
      tag: "auth",
      authenticated: false,
      rateLimit: "auth",
      body: refreshRequestSchema,
      headers: sessionModeHeaders,
      cookies: refreshCookie,
      responses: {
        200: { description: "A new pair; the refresh token sent is spent.", schema: tokensSchema },
        401: {
          description:
            "No refresh token, or an unknown, expired or already used one (reuse revokes the session).",
        },
      },
      kind: "unary",
      handle: async ({ body, headers, cookies, secure }) => {
        const cookie = headers["Parley-Session"] === "cookie";
        const presented = body.refreshToken ?? (cookie ? cookies[REFRESH_COOKIE] : undefined);
        if (!presented)
          throw new AppError(
            "unauthenticated",
            cookie ? "This browser holds no session: sign in." : "Send the refresh token in the body.",
          );
        const { tokens } = await callUnary(auth, "refresh", { refreshToken: presented }, { timeoutMs });
        const delivered = deliverTokens(toTokens(tokens), { cookie, secure });
        return { status: 200, body: delivered.tokens, headers: delivered.headers };
      },
    }),
    route({
      method: "post",
      path: "/v1/auth/logout",
      operationId: "logout",
      summary: "End the current session",
      description:
        "Revokes the session of the access token used, with its refresh tokens. Access tokens of the session stop working within a few seconds on every gateway. A browser session's cookie is cleared.",
      tag: "auth",
      authenticated: true,
      rateLimit: "auth",
      headers: sessionModeHeaders,
      responses: { 204: { description: "The session and all its tokens are revoked." } },
      kind: "unary",
      handle: async ({ caller, headers, secure }) => {
        await callUnary(auth, "logout", {}, { metadata: bearerMetadata(caller.accessToken), timeoutMs });
        sessions.forget(caller.sessionId);
        const cookie = headers["Parley-Session"] === "cookie";
        return { status: 204, headers: cookie ? clearedSessionCookie(secure) : undefined };
      },
    }),
    route({
      method: "get",
      path: "/.well-known/jwks.json",
      operationId: "getJwks",
      summary: "Public keys that verify access tokens (JSON Web Key Set)",
      description:
        "The EC P-256 keys whose private halves sign access tokens (ES256), including ones being rotated in or out. Cacheable for five minutes.",
      tag: "auth",
      authenticated: false,
      rateLimit: "auth",
      responses: {
        200: { description: "The key set.", schema: jwksSchema },
      },
      kind: "unary",
      handle: async () => {
        const { keys } = await callUnary(auth, "getJwks", {}, { timeoutMs });
        return { status: 200, body: { keys }, headers: { "Cache-Control": "public, max-age=300" } };
      },
    }),
  ];
}
