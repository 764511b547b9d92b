import type { AccessTokenVerifier } from "@parley/access-token";
import { limits } from "@parley/contracts";
import { bearerMetadata, callUnary } from "@parley/grpc";
import { createAuthClient, verifierFromAuth } from "@parley/service-clients";
import type { UserDirectory } from "../domain/user-directory";

/** auth's GetUsers answers at most this many ids per call. */
const GET_USERS_BATCH = limits.userIdLookup.max;

export interface AuthService {
  /** Checks access tokens locally with the keys auth publishes (GetJwks, cached by the verifier). */
  verifier: AccessTokenVerifier;
  /** Who exists, asked with the caller's own token. */
  users: UserDirectory;
  close(): void;
}

/** What the messaging service needs from auth, over gRPC with a deadline on every call. */
export function connectAuthService(settings: {
  address: string;
  issuer: string;
  audience: string;
  timeoutMs: number;
}): AuthService {
  const { timeoutMs } = settings;
  const client = createAuthClient(settings.address);
  return {
    verifier: verifierFromAuth(client, settings),
    users: {
      async existing(ids, accessToken) {
        const found = new Set<string>();
        for (let start = 0; start < ids.length; start += GET_USERS_BATCH) {
          const { users } = await callUnary(
            client,
            "getUsers",
            { ids: ids.slice(start, start + GET_USERS_BATCH) },
            { metadata: bearerMetadata(accessToken), timeoutMs },
          );
          for (const user of users) found.add(user.id);
        }
        return found;
      },
    },
    close: () => client.close(),
  };
}
