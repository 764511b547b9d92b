import { notificationV1 } from "@parley/contracts";
import { type Handlers, bearerTokenOf } from "@parley/grpc";
import type { NotificationDependencies } from "../../domain/dependencies";
import {
  getPresence,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from "../../domain/inbox";
import { streamNotifications } from "../../domain/live-stream";

export const notificationServiceName = `${notificationV1.protobufPackage}.NotificationService`;

/** gRPC methods of parley.notification.v1.NotificationService. */
export function notificationHandlers(
  deps: NotificationDependencies,
): Handlers<notificationV1.NotificationServiceServer> {
  return {
    listNotifications: (request, { metadata }) => listNotifications(deps, bearerTokenOf(metadata), request),
    markNotificationRead: async ({ notificationId }, { metadata }) => {
      await markNotificationRead(deps, bearerTokenOf(metadata), notificationId);
      return {};
    },
    markAllNotificationsRead: async (_request, { metadata }) => ({
      markedCount: await markAllNotificationsRead(deps, bearerTokenOf(metadata)),
    }),
    getPresence: async ({ userIds }, { metadata }) => ({
      presences: (await getPresence(deps, bearerTokenOf(metadata), userIds)).map((p) => ({
        userId: p.userId,
        online: p.online,
        lastSeenAt: p.lastSeenAt ?? undefined,
      })),
    }),
    subscribe: ({ afterSequence }, { metadata, write, signal, logger }) =>
      streamNotifications(deps, bearerTokenOf(metadata), afterSequence, { write, signal, logger }),
  };
}
