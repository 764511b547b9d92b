import { limits } from "@parley/contracts";
import { z } from "zod";
import {
  groupTitle,
  messageBody,
  pageSize,
  pageToken,
  password,
  refreshToken,
  userIds,
  username,
  uuid,
} from "./fields";

/**
 * The API's named schemas: each becomes one entry of the OpenAPI document's components.schemas
 * (its `id`), with an example that validates against it. Request objects are strict: unknown
 * fields are refused.
 */

const ids = {
  ada: "3f8a6f0e-2c1b-4d5e-9f7a-1b2c3d4e5f60",
  bob: "7c9e2b4a-8d1f-4e3a-b5c6-0a1b2c3d4e5f",
  conversation: "b2d4f6a8-1c3e-4a5b-8c7d-9e0f1a2b3c4d",
  message: "0e1f2a3b-4c5d-4e6f-8a9b-c0d1e2f3a4b5",
  notification: "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
  session: "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
};
const at = "2026-12-03T10:15:30.000Z";

const dateTime = () => z.iso.datetime().meta({ examples: [at] });

const userExample = { id: ids.ada, username: "ada", createdAt: at };
export const userSchema = z
  .object({ id: uuid(), username: z.string().describe("Lowercase."), createdAt: dateTime() })
  .meta({ id: "User", examples: [userExample] });

const tokensExample = {
  tokenType: "Bearer",
  accessToken: "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIzZjhhIn0.c2lnbmF0dXJl",
  expiresIn: 900,
  refreshToken: "r1.Yk5tT0pDc1FZd2VqZ0lVcWRsYQ",
  refreshTokenExpiresAt: "2027-01-02T10:15:30.000Z",
};
export const tokensSchema = z
  .object({
    tokenType: z.literal("Bearer"),
    accessToken: z.string().describe("ES256 JWT; send as `Authorization: Bearer <token>`."),
    expiresIn: z.int().describe("Seconds until the access token expires."),
    refreshToken: z
      .string()
      .optional()
      .describe(
        "Single-use; exchange at /v1/auth/refresh before it expires. Absent for a browser session (`Parley-Session: cookie`), whose refresh token is in an HttpOnly cookie.",
      ),
    refreshTokenExpiresAt: dateTime(),
  })
  .meta({ id: "Tokens", examples: [tokensExample] });

export const sessionSchema = z
  .object({ user: userSchema, tokens: tokensSchema })
  .meta({ id: "Session", examples: [{ user: userExample, tokens: tokensExample }] });

export const credentialsSchema = z
  .strictObject({ username: username(), password: password() })
  .meta({ id: "Credentials", examples: [{ username: "ada", password: "correct horse battery" }] });

export const refreshRequestSchema = z
  .strictObject({
    refreshToken: refreshToken()
      .optional()
      .describe("The refresh token; omit it for a browser session, whose token is in its cookie."),
  })
  .meta({ id: "RefreshRequest", examples: [{ refreshToken: tokensExample.refreshToken }] });

export const jwksSchema = z
  .object({
    keys: z.array(
      z.object({
        kid: z.string(),
        kty: z.string(),
        crv: z.string(),
        x: z.string(),
        y: z.string(),
        alg: z.string(),
        use: z.string(),
      }),
    ),
  })
  .meta({
    id: "JsonWebKeySet",
    examples: [
      {
        keys: [
          {
            kid: "2026-12-01",
            kty: "EC",
            crv: "P-256",
            x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
            alg: "ES256",
            use: "sig",
          },
        ],
      },
    ],
  });

const messageExample = {
  id: ids.message,
  conversationId: ids.conversation,
  senderId: ids.ada,
  body: "Hi Bob 👋",
  sentAt: at,
};
export const messageSchema = z
  .object({ id: uuid(), conversationId: uuid(), senderId: uuid(), body: z.string(), sentAt: dateTime() })
  .meta({ id: "Message", examples: [messageExample] });

const conversationExample = {
  id: ids.conversation,
  kind: "direct",
  title: null,
  createdAt: at,
  memberIds: [ids.ada, ids.bob],
  unreadCount: 1,
  lastMessage: messageExample,
};
export const conversationSchema = z
  .object({
    id: uuid(),
    kind: z.enum(["direct", "group"]),
    title: z.string().nullable().describe("Groups only."),
    createdAt: dateTime(),
    memberIds: z.array(uuid()).describe("In the order they joined."),
    unreadCount: z.int().describe("Messages from others after your read marker."),
    lastMessage: messageSchema.nullable(),
  })
  .meta({ id: "Conversation", examples: [conversationExample] });

export const conversationPageSchema = z
  .object({ conversations: z.array(conversationSchema), nextPageToken: z.string().nullable() })
  .meta({
    id: "ConversationPage",
    examples: [{ conversations: [conversationExample], nextPageToken: null }],
  });

export const newGroupSchema = z
  .strictObject({
    title: groupTitle(),
    memberIds: userIds(
      limits.groupMembersAtCreation,
      "0 to 255 distinct user ids of the other members; you are added as admin",
    ).default([]),
  })
  .meta({ id: "NewGroup", examples: [{ title: "Book club", memberIds: [ids.bob] }] });

// One strict object with a refinement rather than a union of two, so that an unknown field is
// named as such; JSON Schema says "exactly one" with oneOf over the two required sets.
export const directConversationRequestSchema = z
  .strictObject({ userId: uuid().optional(), username: username().optional() })
  .refine((body) => (body.userId === undefined) !== (body.username === undefined), {
    message: "give exactly one of userId or username",
  })
  .meta({
    id: "DirectConversationRequest",
    description: "The other user, by id or by username: exactly one of the two.",
    oneOf: [{ required: ["userId"] }, { required: ["username"] }],
    examples: [{ username: "bob" }],
  });

const memberExample = { userId: ids.ada, username: "ada", role: "admin", joinedAt: at };
export const memberSchema = z
  .object({
    userId: uuid(),
    username: z.string().describe("The member's username, so clients can name the people they talk to."),
    role: z.enum(["admin", "member"]),
    joinedAt: dateTime(),
  })
  .meta({ id: "Member", examples: [memberExample] });

export const memberListSchema = z
  .object({ members: z.array(memberSchema) })
  .meta({ id: "MemberList", examples: [{ members: [memberExample] }] });

export const addMembersRequestSchema = z
  .strictObject({ userIds: userIds(limits.groupMembersAdded, "1 to 255 distinct user ids") })
  .meta({ id: "AddMembersRequest", examples: [{ userIds: [ids.bob] }] });

export const newMessageSchema = z
  .strictObject({ body: messageBody() })
  .meta({ id: "NewMessage", examples: [{ body: "Hi Bob 👋" }] });

export const messagePageSchema = z
  .object({ messages: z.array(messageSchema), nextCursor: z.string().nullable() })
  .meta({ id: "MessagePage", examples: [{ messages: [messageExample], nextCursor: null }] });

export const markReadRequestSchema = z
  .strictObject({ messageId: uuid() })
  .meta({ id: "MarkReadRequest", examples: [{ messageId: ids.message }] });

export const unreadCountSchema = z
  .object({ unreadCount: z.int() })
  .meta({ id: "UnreadCount", examples: [{ unreadCount: 0 }] });

const notificationExample = {
  id: ids.notification,
  sequence: 2,
  kind: "message_received",
  createdAt: at,
  occurredAt: at,
  readAt: null,
  detail: {
    conversationId: ids.conversation,
    messageId: ids.message,
    senderId: ids.ada,
    preview: "Hi Bob 👋",
  },
};
export const notificationSchema = z
  .object({
    id: uuid(),
    sequence: z.int().describe("Per user, increasing by one; the Server-Sent Events id."),
    kind: z.enum(["message_received", "welcome", "new_sign_in"]),
    createdAt: dateTime(),
    occurredAt: dateTime().describe("When the event behind it happened."),
    readAt: dateTime().nullable(),
    detail: z.union([
      z.object({ conversationId: uuid(), messageId: uuid(), senderId: uuid(), preview: z.string() }),
      z.object({ sessionId: uuid() }),
      z.object({}),
    ]),
  })
  .meta({ id: "Notification", examples: [notificationExample] });

export const notificationPageSchema = z
  .object({
    notifications: z.array(notificationSchema),
    nextPageToken: z.string().nullable(),
    unreadCount: z.int(),
  })
  .meta({
    id: "NotificationPage",
    examples: [{ notifications: [notificationExample], nextPageToken: null, unreadCount: 1 }],
  });

export const markedCountSchema = z
  .object({ markedCount: z.int() })
  .meta({ id: "MarkedCount", examples: [{ markedCount: 3 }] });

const presenceExample = { userId: ids.bob, online: true, lastSeenAt: at };
export const presenceSchema = z
  .object({ userId: uuid(), online: z.boolean(), lastSeenAt: dateTime().nullable() })
  .meta({ id: "Presence", examples: [presenceExample] });

export const presenceListSchema = z
  .object({ presences: z.array(presenceSchema) })
  .meta({ id: "PresenceList", examples: [{ presences: [presenceExample] }] });

export const pingSchema = z
  .object({ status: z.literal("ok") })
  .meta({ id: "Ping", examples: [{ status: "ok" }] });

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

export const conversationIdParams = z.strictObject({ conversationId: uuid() });

/** `?pageSize=&pageToken=` of list routes. */
export const pageQuery = z.strictObject({ pageSize: pageSize(), pageToken: pageToken() });

export const messagePageQuery = z.strictObject({
  limit: pageSize(),
  before: pageToken().describe("nextCursor of the previous page."),
});
