/** Plain objects the repositories return; the domain never sees a database type. */

export type ConversationKind = "direct" | "group";
export type MemberRole = "admin" | "member";

export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  /** Null for direct conversations. */
  title: string | null;
  createdAt: Date;
  /** In the order they joined. */
  memberIds: string[];
}

export interface MemberRecord {
  userId: string;
  role: MemberRole;
  joinedAt: Date;
}

/** A caller's place in a conversation. */
export interface Membership {
  conversationId: string;
  kind: ConversationKind;
  role: MemberRole;
}

export interface MessageRecord {
  id: string;
  conversationId: string;
  senderId: string;
  body: string;
  sentAt: Date;
  /** Position in the conversation (1, 2, ...), a decimal string because it is a bigint. */
  seq: string;
  idempotencyKey: string;
}

/** Where a conversation sits in its member's list: most recent activity first, then id. */
export interface ActivityPosition {
  /** Microseconds since the epoch of the last message, or of the creation (bigint as a string). */
  activityUs: string;
  id: string;
}

export interface ConversationSummaryRecord {
  conversation: ConversationRecord;
  unreadCount: number;
  lastMessage: MessageRecord | undefined;
  position: ActivityPosition;
}
