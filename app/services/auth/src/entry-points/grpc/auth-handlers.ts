import { authV1 } from "@parley/contracts";
import { type Handlers, bearerTokenOf } from "@parley/grpc";
import type { AuthDependencies } from "../../domain/dependencies";
import { login } from "../../domain/login";
import { refresh } from "../../domain/refresh";
import { register } from "../../domain/register";
import { logout, verifyLiveToken } from "../../domain/session-checks";
import type { SigningKeys } from "../../domain/signing-keys";
import { getUserByUsername, getUsers } from "../../domain/users";

/** gRPC methods of parley.auth.v1.AuthService: parse, call the use case, shape the answer. */
export function authHandlers(deps: AuthDependencies, keys: SigningKeys): Handlers<authV1.AuthServiceServer> {
  return {
    register: (request) => register(deps, request),
    login: (request) => login(deps, request),
    refresh: (request) => refresh(deps, request),
    logout: async (_request, { metadata }) => {
      await logout(deps, bearerTokenOf(metadata));
      return {};
    },
    verifyToken: async ({ accessToken }) => {
      const claims = await verifyLiveToken(deps, accessToken);
      return { userId: claims.userId, sessionId: claims.sessionId, expiresAt: claims.expiresAt };
    },
    getJwks: async () => ({ keys: keys.all.map(({ jwk }) => jwk) }),
    getUsers: async ({ ids }, { metadata }) => ({
      users: await getUsers(deps, bearerTokenOf(metadata), ids),
    }),
    getUserByUsername: async ({ username }, { metadata }) => ({
      user: await getUserByUsername(deps, bearerTokenOf(metadata), username),
    }),
  };
}

export const authServiceName = `${authV1.protobufPackage}.AuthService`;
