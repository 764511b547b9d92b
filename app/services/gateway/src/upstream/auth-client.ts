import { type AccessTokenVerifier, createAccessTokenVerifier } from "@parley/access-token";
import { authV1 } from "@parley/contracts";
import { callUnary, createClient } from "@parley/grpc";

export type AuthClient = authV1.AuthServiceClient;

export function createAuthClient(address: string): AuthClient {
  return createClient(authV1.AuthServiceClient, address, {
    service: `${authV1.protobufPackage}.AuthService`,
    idempotentMethods: ["VerifyToken", "GetJwks", "GetUsers", "GetUserByUsername"],
  });
}

/** Verifies access tokens locally with the auth service's published keys. */
export function createVerifier(
  auth: AuthClient,
  settings: { issuer: string; audience: string; timeoutMs: number },
): AccessTokenVerifier {
  return createAccessTokenVerifier({
    fetchKeys: async () => (await callUnary(auth, "getJwks", {}, { timeoutMs: settings.timeoutMs })).keys,
    issuer: settings.issuer,
    audience: settings.audience,
  });
}
