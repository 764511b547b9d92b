import { bearerMetadata, callUnary } from "@parley/grpc";
import { z } from "zod";
import type { AuthClient } from "@parley/service-clients";
import type { SessionChecker } from "../../../upstream/session-checker";
import { type Route, route } from "../route";
import { sessionSchema, toTokens, toUser, tokensSchema } from "../schemas";

const credentials = z.strictObject({
  username: z
    .string()
    .min(1)
    .max(64)
    .describe("3 to 32 characters: letters, digits, '_', '.', '-' (case-insensitive)."),
  password: z.string().min(1).max(1024).describe("8 to 128 characters."),
});

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
      tag: "auth",
      authenticated: false,
      body: credentials,
      responses: {
        201: { description: "Account created; the new session's tokens.", schema: sessionSchema },
        409: { description: "The username is taken." },
      },
      handle: async ({ body }) => {
        const { user, tokens } = await callUnary(auth, "register", body, { timeoutMs });
        return { status: 201, body: { user: toUser(user), tokens: toTokens(tokens) } };
      },
    }),
    route({
      method: "post",
      path: "/v1/auth/login",
      operationId: "login",
      summary: "Sign in with username and password",
      tag: "auth",
      authenticated: false,
      body: credentials,
      responses: {
        200: { description: "Signed in; the new session's tokens.", schema: sessionSchema },
        401: { description: "Unknown username or wrong password (the same answer for both)." },
      },
      handle: async ({ body, clientAddress }) => {
        const { user, tokens } = await callUnary(auth, "login", { ...body, clientAddress }, { timeoutMs });
        return { status: 200, body: { user: toUser(user), tokens: toTokens(tokens) } };
      },
    }),
    route({
      method: "post",
      path: "/v1/auth/refresh",
      operationId: "refreshTokens",
      summary: "Exchange a refresh token for a new token pair",
      tag: "auth",
      authenticated: false,
      body: z.strictObject({ refreshToken: z.string().min(1).max(256) }),
      responses: {
        200: { description: "A new pair; the refresh token sent is spent.", schema: tokensSchema },
        401: { description: "Unknown, expired or already used refresh token (reuse revokes the session)." },
      },
      handle: async ({ body }) => {
        const { tokens } = await callUnary(auth, "refresh", body, { timeoutMs });
        return { status: 200, body: toTokens(tokens) };
      },
    }),
    route({
      method: "post",
      path: "/v1/auth/logout",
      operationId: "logout",
      summary: "End the current session",
      tag: "auth",
      authenticated: true,
      responses: { 204: { description: "The session and all its tokens are revoked." } },
      handle: async ({ caller }) => {
        await callUnary(auth, "logout", {}, { metadata: bearerMetadata(caller!.accessToken), timeoutMs });
        sessions.forget(caller!.sessionId);
        return { status: 204 };
      },
    }),
    route({
      method: "get",
      path: "/.well-known/jwks.json",
      operationId: "getJwks",
      summary: "Public keys that verify access tokens (JSON Web Key Set)",
      tag: "auth",
      authenticated: false,
      responses: {
        200: {
          description: "The key set.",
          schema: z.object({
            keys: z.array(
              z.object({
                kid: z.string(),
                kty: z.string(),
                crv: z.string(),
                x: z.string(),
                y: z.string(),
                alg: z.string(),
                use: z.string(),
              }),
            ),
          }),
        },
      },
      handle: async () => {
        const { keys } = await callUnary(auth, "getJwks", {}, { timeoutMs });
        return { status: 200, body: { keys }, headers: { "Cache-Control": "public, max-age=300" } };
      },
    }),
  ];
}
