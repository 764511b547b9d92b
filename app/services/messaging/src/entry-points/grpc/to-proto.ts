import { messagingV1 } from "@parley/contracts";
import type {
  ConversationRecord,
  ConversationSummaryRecord,
  MemberRecord,
  MessageRecord,
} from "../../data-access/messaging-store";

/** Our records in the shapes of parley.messaging.v1 (internal fields such as seq stay inside). */

export const toConversation = (record: ConversationRecord): messagingV1.Conversation => ({
  id: record.id,
  kind:
    record.kind === "group"
      ? messagingV1.ConversationKind.CONVERSATION_KIND_GROUP
      : messagingV1.ConversationKind.CONVERSATION_KIND_DIRECT,
  title: record.title ?? "",
  createdAt: record.createdAt,
  memberIds: record.memberIds,
});

export const toMessage = (record: MessageRecord): messagingV1.Message => ({
  id: record.id,
  conversationId: record.conversationId,
  senderId: record.senderId,
  body: record.body,
  sentAt: record.sentAt,
});

export const toMember = (record: MemberRecord): messagingV1.Member => ({
  userId: record.userId,
  role:
    record.role === "admin"
      ? messagingV1.MemberRole.MEMBER_ROLE_ADMIN
      : messagingV1.MemberRole.MEMBER_ROLE_MEMBER,
  joinedAt: record.joinedAt,
});

export const toSummary = (record: ConversationSummaryRecord): messagingV1.ConversationSummary => ({
  conversation: toConversation(record.conversation),
  unreadCount: record.unreadCount,
  lastMessage: record.lastMessage && toMessage(record.lastMessage),
});
