/** Plain objects the store returns; the domain never sees a database type. */

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

/** The event that called for notifications. */
export interface NotificationSource {
  eventId: string;
  occurredAt: Date;
  /** W3C trace context of the event's delivery. */
  traceContext: Record<string, string>;
}

export interface PresenceRecord {
  userId: string;
  online: boolean;
  lastSeenAt: Date | null;
}
