import type { messagingV1 } from "@parley/contracts";
import { AppError } from "@parley/errors";
import { bearerMetadata, callUnary } from "@parley/grpc";
import type { AuthClient, MessagingClient } from "@parley/service-clients";
import { z } from "zod";
import { conversationJson, memberJson, messageJson } from "../to-json";
import { idempotencyKey, uuid } from "../fields";
import type { Caller } from "@parley/access-token";
import { type Route, route } from "../route";
import {
  addMembersRequestSchema,
  conversationIdParams,
  conversationPageSchema,
  conversationSchema,
  directConversationRequestSchema,
  markReadRequestSchema,
  memberListSchema,
  messagePageQuery,
  messagePageSchema,
  messageSchema,
  newGroupSchema,
  newMessageSchema,
  pageQuery,
  unreadCountSchema,
} from "../schemas";

export interface ConversationRouteDeps {
  auth: AuthClient;
  messaging: MessagingClient;
  timeoutMs: number;
}

/** Conversations, members, messages and read markers (served by the messaging service). */
export function conversationRoutes({ auth, messaging, timeoutMs }: ConversationRouteDeps): Route[] {
  const as = (caller: Caller) => ({ metadata: bearerMetadata(caller.accessToken), timeoutMs });
  // Members come from messaging, their names from auth (GetUsers takes up to 100 ids at a time).
  const namedMembers = async (members: messagingV1.Member[], caller: Caller) => {
    const ids = members.map((member) => member.userId);
    const chunks = Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) =>
      ids.slice(i * 100, i * 100 + 100),
    );
    const answers = await Promise.all(
      chunks.map((chunk) => callUnary(auth, "getUsers", { ids: chunk }, as(caller))),
    );
    const usernames = new Map(
      answers.flatMap(({ users }) => users.map((user) => [user.id, user.username] as const)),
    );
    return { members: members.map((member) => memberJson(member, usernames)) };
  };
  const conversationNotFound = {
    404: { description: "No such conversation, or you are not a member of it." },
  };

  return [
    route({
      method: "post",
      path: "/v1/conversations",
      operationId: "createGroupConversation",
      summary: "Create a group conversation; you become its admin",
      description:
        "Creates a group with a title and its first members, who must be registered users. You join first, as its admin; the others join in the order listed.",
      tag: "conversations",
      authenticated: true,
      rateLimit: "api",
      body: newGroupSchema,
      responses: { 201: { description: "The new group.", schema: conversationSchema } },
      kind: "unary",
      handle: async ({ body, caller }) => {
        const { conversation } = await callUnary(messaging, "createGroupConversation", body, as(caller));
        return { status: 201, body: conversationJson({ conversation, unreadCount: 0 }) };
      },
    }),
    route({
      method: "post",
      path: "/v1/conversations/direct",
      operationId: "getOrCreateDirectConversation",
      summary: "The direct conversation with another user, created on first use",
      description:
        "Two users have exactly one direct conversation. Name the other user by id or by username; the answer is 201 when this call created it and 200 when it existed.",
      tag: "conversations",
      authenticated: true,
      rateLimit: "api",
      body: directConversationRequestSchema,
      responses: {
        200: { description: "It already existed.", schema: conversationSchema },
        201: { description: "It was created by this call.", schema: conversationSchema },
        404: { description: "No such user." },
      },
      kind: "unary",
      handle: async ({ body, caller }) => {
        const userId =
          body.userId !== undefined
            ? body.userId
            : (await callUnary(auth, "getUserByUsername", { username: body.username! }, as(caller))).user?.id;
        if (!userId) throw new AppError("not_found", "No user with that username.");
        const { conversation, created } = await callUnary(
          messaging,
          "getOrCreateDirectConversation",
          { userId },
          as(caller),
        );
        const { conversation: summary } = await callUnary(
          messaging,
          "getConversation",
          { conversationId: conversation!.id },
          as(caller),
        );
        return { status: created ? 201 : 200, body: conversationJson(summary) };
      },
    }),
    route({
      method: "get",
      path: "/v1/conversations",
      operationId: "listConversations",
      summary: "Your conversations, most recent activity first, with unread counts",
      description:
        "Pages through the conversations you are a member of, each with its last message and the number of messages from others after your read marker.",
      tag: "conversations",
      authenticated: true,
      rateLimit: "api",
      query: pageQuery,
      responses: {
        200: {
          description: "A page of conversations; pass nextPageToken for the next.",
          schema: conversationPageSchema,
        },
      },
      kind: "unary",
      handle: async ({ query, caller }) => {
        const response = await callUnary(
          messaging,
          "listConversations",
          { pageSize: query.pageSize ?? 0, pageToken: query.pageToken ?? "" },
          as(caller),
        );
        return {
          status: 200,
          body: {
            conversations: response.conversations.map(conversationJson),
            nextPageToken: response.nextPageToken || null,
          },
        };
      },
    }),
    route({
      method: "get",
      path: "/v1/conversations/:conversationId",
      operationId: "getConversation",
      summary: "One conversation with its unread count and last message",
      description:
        "A conversation you are a member of. One you are not a member of answers 404, exactly like one that does not exist.",
      tag: "conversations",
      authenticated: true,
      rateLimit: "api",
      params: conversationIdParams,
      responses: {
        200: { description: "The conversation.", schema: conversationSchema },
        ...conversationNotFound,
      },
      kind: "unary",
      handle: async ({ params, caller }) => {
        const { conversation } = await callUnary(messaging, "getConversation", params, as(caller));
        return { status: 200, body: conversationJson(conversation) };
      },
    }),
    route({
      method: "get",
      path: "/v1/conversations/:conversationId/members",
      operationId: "listMembers",
      summary: "Members of a conversation with their roles",
      description:
        "Everyone in a conversation you are a member of, in the order they joined, each an admin or a member.",
      tag: "conversations",
      authenticated: true,
      rateLimit: "api",
      params: conversationIdParams,
      responses: { 200: { description: "The members.", schema: memberListSchema }, ...conversationNotFound },
      kind: "unary",
      handle: async ({ params, caller }) => {
        const { members } = await callUnary(messaging, "listMembers", params, as(caller));
        return { status: 200, body: await namedMembers(members, caller) };
      },
    }),
    route({
      method: "post",
      path: "/v1/conversations/:conversationId/members",
      operationId: "addMembers",
      summary: "Add members to a group (admins only)",
      description:
        "Adds registered users to a group you administer; users already in it are left as they are. A group holds at most 256 members.",
      tag: "conversations",
      authenticated: true,
      rateLimit: "api",
      params: conversationIdParams,
      body: addMembersRequestSchema,
      responses: {
        200: { description: "All members after the change.", schema: memberListSchema },
        403: { description: "You are not an admin of this group." },
        409: { description: "Not a group, or it would exceed 256 members." },
        ...conversationNotFound,
      },
      kind: "unary",
      handle: async ({ params, body, caller }) => {
        const { members } = await callUnary(messaging, "addMembers", { ...params, ...body }, as(caller));
        return { status: 200, body: await namedMembers(members, caller) };
      },
    }),
    route({
      method: "delete",
      path: "/v1/conversations/:conversationId/members/:userId",
      operationId: "removeMember",
      summary: "Remove a member from a group (admins only; leave to remove yourself)",
      description:
        "Removes another member from a group you administer. To leave a group yourself, use the leave operation.",
      tag: "conversations",
      authenticated: true,
      rateLimit: "api",
      params: z.strictObject({ conversationId: uuid(), userId: uuid() }),
      responses: {
        204: { description: "Removed." },
        403: { description: "You are not an admin of this group." },
        409: { description: "Not a group." },
        ...conversationNotFound,
      },
      kind: "unary",
      handle: async ({ params, caller }) => {
        await callUnary(messaging, "removeMember", params, as(caller));
        return { status: 204 };
      },
    }),
    route({
      method: "post",
      path: "/v1/conversations/:conversationId/leave",
      operationId: "leaveConversation",
      summary: "Leave a group",
      description:
        "Removes you from a group. When the last admin leaves, the longest-standing member becomes admin.",
      tag: "conversations",
      authenticated: true,
      rateLimit: "api",
      params: conversationIdParams,
      responses: {
        204: { description: "You left." },
        409: { description: "Direct conversations cannot be left." },
        ...conversationNotFound,
      },
      kind: "unary",
      handle: async ({ params, caller }) => {
        await callUnary(messaging, "leaveConversation", params, as(caller));
        return { status: 204 };
      },
    }),
    route({
      method: "post",
      path: "/v1/conversations/:conversationId/messages",
      operationId: "sendMessage",
      summary: "Send a message; repeat with the same Idempotency-Key to retry safely",
      description:
        "Stores the message and notifies every other member live. A request repeated with the same Idempotency-Key (after a timeout, say) returns the first message with 200 and notifies nobody again.",
      tag: "messages",
      authenticated: true,
      rateLimit: "api",
      params: conversationIdParams,
      headers: z.object({
        "Idempotency-Key": idempotencyKey().describe(
          "1 to 128 printable ASCII characters, unique per message you send; a retry with the same key returns the first message.",
        ),
      }),
      body: newMessageSchema,
      responses: {
        201: { description: "Sent.", schema: messageSchema },
        200: {
          description: "Already sent with this Idempotency-Key; the first message.",
          schema: messageSchema,
        },
        409: { description: "This Idempotency-Key was used for a different message." },
        ...conversationNotFound,
      },
      kind: "unary",
      handle: async ({ params, body, headers, caller }) => {
        const { message, created } = await callUnary(
          messaging,
          "sendMessage",
          {
            conversationId: params.conversationId,
            body: body.body,
            idempotencyKey: headers["Idempotency-Key"],
          },
          as(caller),
        );
        return { status: created ? 201 : 200, body: messageJson(message!) };
      },
    }),
    route({
      method: "get",
      path: "/v1/conversations/:conversationId/messages",
      operationId: "listMessages",
      summary: "A page of messages, newest first",
      description:
        "Pages backwards through a conversation's history: pass the nextCursor of one page as `before` to get the older messages.",
      tag: "messages",
      authenticated: true,
      rateLimit: "api",
      params: conversationIdParams,
      query: messagePageQuery,
      responses: {
        200: {
          description: "Messages, newest first; pass nextCursor as `before` for older ones.",
          schema: messagePageSchema,
        },
        ...conversationNotFound,
      },
      kind: "unary",
      handle: async ({ params, query, caller }) => {
        const response = await callUnary(
          messaging,
          "listMessages",
          { conversationId: params.conversationId, limit: query.limit ?? 0, before: query.before ?? "" },
          as(caller),
        );
        return {
          status: 200,
          body: { messages: response.messages.map(messageJson), nextCursor: response.nextCursor || null },
        };
      },
    }),
    route({
      method: "post",
      path: "/v1/conversations/:conversationId/read",
      operationId: "markRead",
      summary: "Mark every message up to and including one as read",
      description:
        "Moves your read marker forward to the given message; it never moves back. Answers your unread count afterwards.",
      tag: "messages",
      authenticated: true,
      rateLimit: "api",
      params: conversationIdParams,
      body: markReadRequestSchema,
      responses: {
        200: { description: "Your unread count afterwards.", schema: unreadCountSchema },
        ...conversationNotFound,
      },
      kind: "unary",
      handle: async ({ params, body, caller }) => {
        const { unreadCount } = await callUnary(messaging, "markRead", { ...params, ...body }, as(caller));
        return { status: 200, body: { unreadCount } };
      },
    }),
  ];
}
