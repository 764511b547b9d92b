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

const uuid = () => z.uuid();

export const conversationIdParams = z.strictObject({ conversationId: uuid() });

export const messageSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    senderId: z.uuid(),
    body: z.string(),
    sentAt: z.iso.datetime(),
  })
  .meta({ id: "Message" });

export const conversationSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(["direct", "group"]),
    title: z.string().nullable().describe("Groups only."),
    createdAt: z.iso.datetime(),
    memberIds: z.array(z.uuid()).describe("In the order they joined."),
    unreadCount: z.int().describe("Messages from others after your read marker."),
    lastMessage: messageSchema.nullable(),
  })
  .meta({ id: "Conversation" });

export const memberSchema = z
  .object({ userId: z.uuid(), role: z.enum(["admin", "member"]), joinedAt: z.iso.datetime() })
  .meta({ id: "Member" });

export const notificationSchema = z
  .object({
    id: z.uuid(),
    sequence: z.int().describe("Per user, increasing by one; the Server-Sent Events id."),
    kind: z.enum(["message_received", "welcome", "new_sign_in"]),
    createdAt: z.iso.datetime(),
    occurredAt: z.iso.datetime().describe("When the event behind it happened."),
    readAt: z.iso.datetime().nullable(),
    detail: z.union([
      z.object({ conversationId: z.uuid(), messageId: z.uuid(), senderId: z.uuid(), preview: z.string() }),
      z.object({ sessionId: z.uuid() }),
      z.object({}),
    ]),
  })
  .meta({ id: "Notification" });

export const presenceSchema = z
  .object({ userId: z.uuid(), online: z.boolean(), lastSeenAt: z.iso.datetime().nullable() })
  .meta({ id: "Presence" });

/** `?pageSize=&pageToken=` of list routes. */
export const pageQuery = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
  pageToken: z.string().max(512).optional(),
});
