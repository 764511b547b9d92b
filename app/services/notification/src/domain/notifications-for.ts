import type { ReceivedEvent } from "@parley/event-bus";
import type { NewNotification } from "../data-access/records";

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
