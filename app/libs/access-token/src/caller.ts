import type { AccessTokenVerifier } from "./access-token-verifier";

/** The user a request acts for, as its verified access token names them. */
export interface Caller {
  userId: string;
  sessionId: string;
  /** The verified token itself, only to call other services on the caller's behalf. */
  accessToken: string;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** The token of an `Authorization: Bearer <token>` header (HTTP) or metadata entry (gRPC), if any. */
export function bearerToken(authorization: unknown): string | undefined {
  return typeof authorization === "string" ? BEARER.exec(authorization)?.[1] : undefined;
}

/** The caller an Authorization value proves; rejects with an `unauthenticated` AppError otherwise. */
export async function callerOf(verifier: AccessTokenVerifier, authorization: unknown): Promise<Caller> {
  const accessToken = bearerToken(authorization);
  const { userId, sessionId } = await verifier.verify(accessToken);
  return { userId, sessionId, accessToken: accessToken! };
}
