import { bearerMetadata, callUnary } from "@parley/grpc";
import type { Logger } from "@parley/logger";
import type { NotificationClient } from "@parley/service-clients";
import { limits } from "@parley/contracts";
import { z } from "zod";
import { notificationJson, presenceJson } from "../to-json";
import { userIds, uuid } from "../fields";
import { notificationStreamRelay } from "../notification-stream";
import type { Caller } from "@parley/access-token";
import { type Route, route } from "../route";
import { markedCountSchema, notificationPageSchema, pageQuery, presenceListSchema } from "../schemas";

export interface NotificationRouteDeps {
  notification: NotificationClient;
  timeoutMs: number;
  heartbeatSeconds: number;
  logger: Logger;
}

/** Notifications, their live stream, and presence (served by the notification service). */
export function notificationRoutes(deps: NotificationRouteDeps): Route[] {
  const { notification, timeoutMs } = deps;
  const as = (caller: Caller) => ({ metadata: bearerMetadata(caller.accessToken), timeoutMs });
  const relayNotifications = notificationStreamRelay(deps);

  return [
    route({
      method: "get",
      path: "/v1/notifications",
      operationId: "listNotifications",
      summary: "Your notifications, unread first, then newest first",
      description: "Pages through your notifications with your total unread count.",
      tag: "notifications",
      authenticated: true,
      rateLimit: "api",
      query: pageQuery,
      responses: {
        200: {
          description: "A page of notifications and your unread count.",
          schema: notificationPageSchema,
        },
      },
      kind: "unary",
      handle: async ({ query, caller }) => {
        const response = await callUnary(
          notification,
          "listNotifications",
          { pageSize: query.pageSize ?? 0, pageToken: query.pageToken ?? "" },
          as(caller),
        );
        return {
          status: 200,
          body: {
            notifications: response.notifications.map(notificationJson),
            nextPageToken: response.nextPageToken || null,
            unreadCount: response.unreadCount,
          },
        };
      },
    }),
    route({
      method: "post",
      path: "/v1/notifications/:notificationId/read",
      operationId: "markNotificationRead",
      summary: "Mark one notification read",
      description: "Marks one of your notifications read; one that is not yours answers 404.",
      tag: "notifications",
      authenticated: true,
      rateLimit: "api",
      params: z.strictObject({ notificationId: uuid() }),
      responses: { 204: { description: "Marked." }, 404: { description: "No such notification of yours." } },
      kind: "unary",
      handle: async ({ params, caller }) => {
        await callUnary(notification, "markNotificationRead", params, as(caller));
        return { status: 204 };
      },
    }),
    route({
      method: "post",
      path: "/v1/notifications/read-all",
      operationId: "markAllNotificationsRead",
      summary: "Mark all your notifications read",
      description: "Marks every unread notification of yours read and says how many that was.",
      tag: "notifications",
      authenticated: true,
      rateLimit: "api",
      responses: {
        200: { description: "How many were marked.", schema: markedCountSchema },
      },
      kind: "unary",
      handle: async ({ caller }) => {
        const { markedCount } = await callUnary(notification, "markAllNotificationsRead", {}, as(caller));
        return { status: 200, body: { markedCount } };
      },
    }),
    route({
      method: "get",
      path: "/v1/notifications/stream",
      operationId: "streamNotifications",
      summary: "Live notifications as Server-Sent Events (resumable with Last-Event-ID)",
      description:
        "Streams your notifications as they are created, each exactly once and in sequence order. After a dropped connection, reconnect with Last-Event-ID to receive exactly what you missed. While a stream is open you count as online.",
      tag: "notifications",
      authenticated: true,
      rateLimit: "api",
      headers: z.object({
        "Last-Event-ID": z
          .string()
          .regex(/^\d{1,15}$/, "must be a notification sequence number")
          .optional()
          .describe("The id of the last event you received; the stream resumes right after it."),
      }),
      responses: {
        200: {
          description:
            "An endless text/event-stream: `event: notification` with `id: <sequence>` and a Notification as `data`, " +
            "comments as heartbeats, and `event: error` before the server closes a stream whose token became invalid.",
          contentType: "text/event-stream",
        },
      },
      kind: "stream",
      stream: ({ caller, headers }, response) =>
        relayNotifications(caller, Number(headers["Last-Event-ID"] ?? 0), response),
    }),
    route({
      method: "get",
      path: "/v1/presence",
      operationId: "getPresence",
      summary: "Presence of users you share a conversation with (others are left out)",
      description:
        "Whether each of the given users is online and when they were last seen. Users you share no conversation with are left out of the answer, as if unknown.",
      tag: "presence",
      authenticated: true,
      rateLimit: "api",
      query: z.strictObject({ userIds: userIds(limits.userIdLookup, "1 to 100 distinct user ids") }),
      responses: { 200: { description: "Presence per visible user.", schema: presenceListSchema } },
      kind: "unary",
      handle: async ({ query, caller }) => {
        const { presences } = await callUnary(
          notification,
          "getPresence",
          { userIds: query.userIds },
          as(caller),
        );
        return { status: 200, body: { presences: presences.map(presenceJson) } };
      },
    }),
  ];
}
