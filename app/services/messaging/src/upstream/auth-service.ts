import { type AccessTokenVerifier, createAccessTokenVerifier } from "@parley/access-token";
import { authV1 } from "@parley/contracts";
import { bearerMetadata, callUnary, createClient } from "@parley/grpc";
import type { UserDirectory } from "../domain/user-directory";

/** auth's GetUsers answers at most this many ids per call. */
const GET_USERS_BATCH = 100;

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
  const client = createClient(authV1.AuthServiceClient, settings.address, {
    service: `${authV1.protobufPackage}.AuthService`,
    idempotentMethods: ["GetJwks", "GetUsers"],
  });
  return {
    verifier: createAccessTokenVerifier({
      fetchKeys: async () => (await callUnary(client, "getJwks", {}, { timeoutMs })).keys,
      issuer: settings.issuer,
      audience: settings.audience,
    }),
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
