import { Metadata } from "@grpc/grpc-js";
import { type AccessTokenVerifier, type Caller, callerOf } from "@parley/access-token";

/** Metadata carrying a caller's access token, the way every service expects it. */
export function bearerMetadata(accessToken: string): Metadata {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${accessToken}`);
  return metadata;
}

/** Authenticates a call by the access token of its `authorization: Bearer` entry (ServiceAccess). */
export const bearerAuthentication =
  (verifier: AccessTokenVerifier) =>
  (metadata: Metadata): Promise<Caller> =>
    callerOf(verifier, metadata.get("authorization")[0]);
