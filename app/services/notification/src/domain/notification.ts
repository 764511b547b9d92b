import type { ReceivedEvent } from "@parley/event-bus";

/** What a notification says, by kind. */
export type NotificationDetail =
  | { kind: "message_received"; conversationId: string; messageId: string; senderId: string; preview: string }
  | { kind: "welcome" }
  | { kind: "new_sign_in"; sessionId: string };

export interface NotificationRecord {
  id: string;
  userId: string;
  /** Per user: 1, 2, 3 ... in commit order; the stream's resume point. */
  sequence: number;
  detail: NotificationDetail;
  occurredAt: Date;
  createdAt: Date;
  readAt: Date | null;
  /** W3C trace context of the event that created it. */
  traceContext: Record<string, string>;
}

/** A notification to create: for whom and what. */
export interface NewNotification {
  userId: string;
  detail: NotificationDetail;
}

/**
 * Who is notified of an event, and of what: each recipient of a message (never its sender), and a
 * user about their own account's creation and sign-ins.
 */
export function notificationsFor(event: ReceivedEvent): NewNotification[] {
  switch (event.type) {
    case "message.sent": {
      const { messageId, conversationId, senderId, preview, recipientIds } = event.payload;
      return [...new Set(recipientIds)]
        .filter((userId) => userId !== senderId)
        .map((userId) => ({
          userId,
          detail: { kind: "message_received", conversationId, messageId, senderId, preview },
        }));
    }
    case "user.registered":
      return [{ userId: event.payload.userId, detail: { kind: "welcome" } }];
    case "user.logged_in":
      return [
        { userId: event.payload.userId, detail: { kind: "new_sign_in", sessionId: event.payload.sessionId } },
      ];
  }
}
