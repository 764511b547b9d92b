import { type authV1 } from "@parley/contracts";
import type { Handlers } from "@parley/grpc";
import type { AuthDependencies } from "../../domain/dependencies";
import { login } from "../../domain/login";
import { refresh } from "../../domain/refresh";
import { register } from "../../domain/register";
import { logout, verifyLiveToken } from "../../domain/session-checks";
import type { SigningKeys } from "../../domain/signing-keys";
import { getUserByUsername, getUsers } from "../../domain/users";

/** Methods a caller without an access token may use. */
export const publicAuthMethods = ["register", "login", "refresh", "verifyToken", "getJwks"] as const;

/** gRPC methods of parley.auth.v1.AuthService: parse, call the use case, shape the answer. */
export function authHandlers(
  deps: AuthDependencies,
  keys: SigningKeys,
): Handlers<typeof authV1.AuthServiceService, (typeof publicAuthMethods)[number]> {
  return {
    register: (request) => register(deps, request),
    login: (request) => login(deps, request),
    refresh: (request) => refresh(deps, request),
    logout: async (_request, { caller }) => {
      await logout(deps, caller);
      return {};
    },
    verifyToken: async ({ accessToken }) => {
      const claims = await verifyLiveToken(deps, accessToken);
      return { userId: claims.userId, sessionId: claims.sessionId, expiresAt: claims.expiresAt };
    },
    getJwks: async () => ({ keys: keys.all.map(({ jwk }) => jwk) }),
    getUsers: async ({ ids }) => ({ users: await getUsers(deps, ids) }),
    getUserByUsername: async ({ username }) => ({ user: await getUserByUsername(deps, username) }),
  };
}
