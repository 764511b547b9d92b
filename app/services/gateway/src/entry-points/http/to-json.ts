import { messagingV1, notificationV1 } from "@parley/contracts";

/** Shapes of the public API made from the services' protobuf messages. */

const iso = (date: Date | undefined) => (date ?? new Date(0)).toISOString();
const isoOrNull = (date: Date | undefined) => (date ? date.toISOString() : null);

export function messageJson(message: messagingV1.Message) {
  return {
    id: message.id,
    conversationId: message.conversationId,
    senderId: message.senderId,
    body: message.body,
    sentAt: iso(message.sentAt),
  };
}

export function conversationJson(summary: messagingV1.ConversationSummary | undefined) {
  const conversation = summary?.conversation;
  if (!summary || !conversation) throw new Error("upstream answered without a conversation");
  return {
    id: conversation.id,
    kind:
      conversation.kind === messagingV1.ConversationKind.CONVERSATION_KIND_GROUP
        ? ("group" as const)
        : ("direct" as const),
    title:
      conversation.kind === messagingV1.ConversationKind.CONVERSATION_KIND_GROUP ? conversation.title : null,
    createdAt: iso(conversation.createdAt),
    memberIds: conversation.memberIds,
    unreadCount: summary.unreadCount,
    lastMessage: summary.lastMessage ? messageJson(summary.lastMessage) : null,
  };
}

export function memberJson(member: messagingV1.Member, usernames: ReadonlyMap<string, string>) {
  const username = usernames.get(member.userId);
  if (username === undefined) throw new Error(`auth knows no user ${member.userId}`);
  return {
    userId: member.userId,
    username,
    role: member.role === messagingV1.MemberRole.MEMBER_ROLE_ADMIN ? ("admin" as const) : ("member" as const),
    joinedAt: iso(member.joinedAt),
  };
}

const kinds = {
  [notificationV1.NotificationKind.NOTIFICATION_KIND_MESSAGE_RECEIVED]: "message_received",
  [notificationV1.NotificationKind.NOTIFICATION_KIND_WELCOME]: "welcome",
  [notificationV1.NotificationKind.NOTIFICATION_KIND_NEW_SIGN_IN]: "new_sign_in",
} as const;

export function notificationJson(notification: notificationV1.Notification) {
  const kind = kinds[notification.kind as keyof typeof kinds] ?? "welcome";
  return {
    id: notification.id,
    sequence: Number(notification.sequence),
    kind,
    createdAt: iso(notification.createdAt),
    occurredAt: iso(notification.occurredAt),
    readAt: isoOrNull(notification.readAt),
    detail: notification.detail ? { ...notification.detail.value } : {},
  };
}

export function presenceJson(presence: notificationV1.Presence) {
  return { userId: presence.userId, online: presence.online, lastSeenAt: isoOrNull(presence.lastSeenAt) };
}
