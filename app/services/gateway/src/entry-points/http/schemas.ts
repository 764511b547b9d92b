import { z } from "zod";

/** Shapes shared by several routes. Request objects are strict: unknown fields are refused. */
export const userSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "User" });

export const tokensSchema = z
  .object({
    tokenType: z.literal("Bearer"),
    accessToken: z.string().describe("ES256 JWT; send as `Authorization: Bearer <token>`."),
    expiresIn: z.int().describe("Seconds until the access token expires."),
    refreshToken: z.string().describe("Single-use; exchange at /v1/auth/refresh before it expires."),
    refreshTokenExpiresAt: z.iso.datetime(),
  })
  .meta({ id: "Tokens" });

export const sessionSchema = z.object({ user: userSchema, tokens: tokensSchema }).meta({ id: "Session" });

export const iso = (date: Date | undefined) => (date ?? new Date(0)).toISOString();

export function toUser(user: { id: string; username: string; createdAt?: Date | undefined } | undefined) {
  if (!user) throw new Error("upstream answered without a user");
  return { id: user.id, username: user.username, createdAt: iso(user.createdAt) };
}

export function toTokens(
  tokens:
    | {
        accessToken: string;
        accessTokenExpiresIn: number;
        refreshToken: string;
        refreshTokenExpiresAt?: Date | undefined;
      }
    | undefined,
) {
  if (!tokens) throw new Error("upstream answered without tokens");
  return {
    tokenType: "Bearer" as const,
    accessToken: tokens.accessToken,
    expiresIn: tokens.accessTokenExpiresIn,
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: iso(tokens.refreshTokenExpiresAt),
  };
}
