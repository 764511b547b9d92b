// Every rule a client can break, stated once. The services' domain checks, the gateway's request
// schemas (and so the OpenAPI document) and the comments on the proto fields all come from here;
// tests hold the proto comments and the answers of the running gateway to it.

/** Length in Unicode code points, as JSON Schema counts `minLength`/`maxLength`: an emoji counts once. */
export const codePointLength = (text: string) => [...text].length;

const rules = {
  /** Compared case-insensitively and stored in lowercase; ASCII only, so lowercasing keeps the length. */
  username: {
    min: 3,
    max: 32,
    pattern: "^[A-Za-z0-9_.-]{3,32}$",
    statement: "3 to 32 characters: ASCII letters, digits, '_', '.' or '-'; case-insensitive",
    protoFields: ["parley.auth.v1.RegisterRequest.username"],
  },
  password: {
    min: 8,
    max: 128,
    statement: "8 to 128 Unicode code points",
    protoFields: ["parley.auth.v1.RegisterRequest.password"],
  },
  groupTitle: {
    min: 1,
    max: 100,
    statement: "1 to 100 Unicode code points, not only white space; stored without surrounding white space",
    protoFields: ["parley.messaging.v1.CreateGroupConversationRequest.title"],
  },
  messageBody: {
    min: 1,
    max: 4000,
    statement: "1 to 4000 Unicode code points of valid Unicode text without NUL, not only white space",
    protoFields: ["parley.messaging.v1.SendMessageRequest.body"],
  },
  /** Everyone but the creator: a group holds at most 256 members. */
  groupMembersAtCreation: {
    min: 0,
    max: 255,
    statement: "0 to 255 user ids of other users; duplicates and the caller's own id are ignored",
    protoFields: ["parley.messaging.v1.CreateGroupConversationRequest.member_ids"],
  },
  groupMembersAdded: {
    min: 1,
    max: 255,
    statement: "1 to 255 user ids, duplicates ignored; a group holds at most 256 members",
    protoFields: ["parley.messaging.v1.AddMembersRequest.user_ids"],
  },
  groupSize: { max: 256 },
  /** Lookups by a list of user ids (users, presence, shared conversations). */
  userIdLookup: {
    min: 1,
    max: 100,
    statement: "1 to 100 user ids",
    protoFields: [
      "parley.auth.v1.GetUsersRequest.ids",
      "parley.messaging.v1.CheckSharedConversationsRequest.user_ids",
      "parley.notification.v1.GetPresenceRequest.user_ids",
    ],
  },
  pageSize: {
    min: 1,
    max: 100,
    default: 50,
    statement: "1 to 100; 0 means 50",
    protoFields: [
      "parley.messaging.v1.ListConversationsRequest.page_size",
      "parley.messaging.v1.ListMessagesRequest.limit",
      "parley.notification.v1.ListNotificationsRequest.page_size",
    ],
  },
  idempotencyKey: {
    min: 1,
    max: 128,
    pattern: "^[!-~]{1,128}$",
    statement: "1 to 128 printable ASCII characters, chosen by the client, unique per sender",
    protoFields: ["parley.messaging.v1.SendMessageRequest.idempotency_key"],
  },
  refreshToken: {
    min: 1,
    max: 256,
    statement: "1 to 256 characters, as issued",
    protoFields: ["parley.auth.v1.RefreshRequest.refresh_token"],
  },
  /** Page tokens and cursors are opaque; this only bounds what a client may send back. */
  pageToken: {
    min: 1,
    max: 512,
    statement: "opaque, from a previous page; at most 512 characters",
    protoFields: [
      "parley.messaging.v1.ListConversationsRequest.page_token",
      "parley.messaging.v1.ListMessagesRequest.before",
      "parley.notification.v1.ListNotificationsRequest.page_token",
    ],
  },
  /** The ids the services issue: UUIDs in canonical lowercase form, any version. */
  uuid: {
    pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    statement: "UUID in lowercase",
    protoFields: [] as string[],
  },
} as const;

export const limits = rules;

const compiled = new Map<string, RegExp>();
/** The rule's pattern as a RegExp (JSON Schema patterns are ECMA-262 regular expressions). */
export function patternOf(rule: { pattern: string }): RegExp {
  let regex = compiled.get(rule.pattern);
  if (!regex) compiled.set(rule.pattern, (regex = new RegExp(rule.pattern, "u")));
  return regex;
}

export const isUuid = (value: string) => patternOf(limits.uuid).test(value);
