import { bearerMetadata, callUnary } from "@parley/grpc";
import { AppError } from "@parley/errors";
import type { AuthClient } from "../../../upstream/auth-client";
import { type Route, route } from "../route";
import { toUser, userSchema } from "../schemas";

/** The signed-in user's own account. */
export function userRoutes({ auth, timeoutMs }: { auth: AuthClient; timeoutMs: number }): Route[] {
  return [
    route({
      method: "get",
      path: "/v1/users/me",
      operationId: "getCurrentUser",
      summary: "The signed-in user",
      tag: "users",
      authenticated: true,
      responses: { 200: { description: "The user.", schema: userSchema } },
      handle: async ({ caller }) => {
        const { users } = await callUnary(
          auth,
          "getUsers",
          { ids: [caller!.userId] },
          { metadata: bearerMetadata(caller!.accessToken), timeoutMs },
        );
        if (!users[0]) throw new AppError("unauthenticated", "Missing or invalid access token.");
        return { status: 200, body: toUser(users[0]) };
      },
    }),
  ];
}
