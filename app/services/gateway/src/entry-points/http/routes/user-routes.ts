import { AppError } from "@parley/errors";
import { bearerMetadata, callUnary } from "@parley/grpc";
import type { AuthClient } from "@parley/service-clients";
import { z } from "zod";
import { username } from "../fields";
import { type Route, route } from "../route";
import { pingSchema, toUser, userSchema } from "../schemas";

export interface UserRouteDeps {
  auth: AuthClient;
  timeoutMs: number;
  /** A gRPC health check of the auth service, the upstream every signed-in request needs. */
  checkAuthHealth(): Promise<void>;
}

/** The signed-in user's own account, finding other users by name, and an authenticated ping. */
export function userRoutes({ auth, timeoutMs, checkAuthHealth }: UserRouteDeps): Route[] {
  return [
    route({
      method: "get",
      path: "/v1/ping",
      operationId: "ping",
      summary: "Checks your access token and that the auth service answers (one gRPC health check)",
      description:
        "A cheap authenticated round trip for clients and load tests: checks the access token and asks the auth service's gRPC health service once.",
      tag: "users",
      authenticated: true,
      rateLimit: "api",
      responses: {
        200: { description: "Token valid, upstream serving.", schema: pingSchema },
      },
      kind: "unary",
      handle: async () => {
        await checkAuthHealth().catch(() => {
          throw new AppError("unavailable", "The auth service is not answering; retry later.", {
            retryAfterSeconds: 1,
          });
        });
        return { status: 200, body: { status: "ok" } };
      },
    }),
    route({
      method: "get",
      path: "/v1/users/me",
      operationId: "getCurrentUser",
      summary: "The signed-in user",
      description: "The account the access token belongs to.",
      tag: "users",
      authenticated: true,
      rateLimit: "api",
      responses: { 200: { description: "The user.", schema: userSchema } },
      kind: "unary",
      handle: async ({ caller }) => {
        const { users } = await callUnary(
          auth,
          "getUsers",
          { ids: [caller.userId] },
          { metadata: bearerMetadata(caller.accessToken), timeoutMs },
        );
        if (!users[0]) throw new AppError("unauthenticated", "Missing or invalid access token.");
        return { status: 200, body: toUser(users[0]) };
      },
    }),
    route({
      method: "get",
      path: "/v1/users",
      operationId: "findUser",
      summary: "Find a user by username (case-insensitive)",
      description:
        "Looks up another user by username, to start a direct conversation with them, for example.",
      tag: "users",
      authenticated: true,
      rateLimit: "api",
      query: z.strictObject({ username: username() }),
      responses: {
        200: { description: "The user.", schema: userSchema },
        404: { description: "No user with that username." },
      },
      kind: "unary",
      handle: async ({ query, caller }) => {
        const { user } = await callUnary(
          auth,
          "getUserByUsername",
          { username: query.username },
          { metadata: bearerMetadata(caller.accessToken), timeoutMs },
        );
        return { status: 200, body: toUser(user) };
      },
    }),
  ];
}
