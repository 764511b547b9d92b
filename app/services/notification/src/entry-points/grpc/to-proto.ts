import { notificationV1 } from "@parley/contracts";
import type { NotificationRecord } from "../../data-access/records";

const { NotificationKind } = notificationV1;

/** The gRPC form of a stored notification. */
export function toProto(record: NotificationRecord): notificationV1.Notification {
  const base = {
    id: record.id,
    sequence: String(record.sequence),
    createdAt: record.createdAt,
    readAt: record.readAt ?? undefined,
    occurredAt: record.occurredAt,
  };
  const { detail } = record;
  switch (detail.kind) {
    case "message_received":
      return {
        ...base,
        kind: NotificationKind.NOTIFICATION_KIND_MESSAGE_RECEIVED,
        detail: {
          $case: "messageReceived",
          value: {
            conversationId: detail.conversationId,
            messageId: detail.messageId,
            senderId: detail.senderId,
            preview: detail.preview,
          },
        },
      };
    case "welcome":
      return { ...base, kind: NotificationKind.NOTIFICATION_KIND_WELCOME, detail: undefined };
    case "new_sign_in":
      return {
        ...base,
        kind: NotificationKind.NOTIFICATION_KIND_NEW_SIGN_IN,
        detail: { $case: "newSignIn", value: { sessionId: detail.sessionId } },
      };
  }
}
