import { Metadata } from "@grpc/grpc-js";

/** Metadata carrying a caller's access token, the way every service expects it. */
export function bearerMetadata(accessToken: string): Metadata {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${accessToken}`);
  return metadata;
}

/** The access token of a call's `authorization: Bearer` entry, if any. */
export function bearerTokenOf(metadata: Metadata): string | undefined {
  const value = metadata.get("authorization")[0];
  if (typeof value !== "string") return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(value);
  return match?.[1];
}
