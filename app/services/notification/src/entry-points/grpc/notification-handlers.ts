import { type notificationV1 } from "@parley/contracts";
import type { Handlers } from "@parley/grpc";
import { currentTraceContext } from "@parley/telemetry";
import type { NotificationDependencies } from "../../domain/dependencies";
import {
  getPresence,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from "../../domain/inbox";
import { streamNotifications } from "../../domain/live-stream";
import { toProto } from "./to-proto";

/** gRPC methods of parley.notification.v1.NotificationService, all for an authenticated caller. */
export function notificationHandlers(
  deps: NotificationDependencies,
): Handlers<typeof notificationV1.NotificationServiceService> {
  return {
    listNotifications: async (request, { caller }) => {
      const page = await listNotifications(deps, caller, request);
      return { ...page, notifications: page.notifications.map(toProto) };
    },
    markNotificationRead: async ({ notificationId }, { caller }) => {
      await markNotificationRead(deps, caller, notificationId);
      return {};
    },
    markAllNotificationsRead: async (_request, { caller }) => ({
      markedCount: await markAllNotificationsRead(deps, caller),
    }),
    getPresence: async ({ userIds }, { caller }) => ({
      presences: (await getPresence(deps, caller, userIds)).map((p) => ({
        userId: p.userId,
        online: p.online,
        lastSeenAt: p.lastSeenAt ?? undefined,
      })),
    }),
    subscribe: ({ afterSequence }, { caller, write, signal, logger }) =>
      streamNotifications(deps, caller, afterSequence, {
        // Inside the notification's span: the gateway continues its trace from this context.
        notification: (record) =>
          write({
            event: { $case: "notification", value: toProto(record) },
            traceContext: currentTraceContext(),
          }),
        heartbeat: () =>
          write({ event: { $case: "heartbeat", value: { sentAt: new Date() } }, traceContext: {} }),
        signal,
        logger,
      }),
  };
}
