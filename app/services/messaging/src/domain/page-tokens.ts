import { isUuid, limits } from "@parley/contracts";
import { invalidArgument } from "@parley/errors";
import type { ActivityPosition } from "../data-access/messaging-store";

/*
 * Cursors are opaque to clients (base64url); inside they are keyset positions, so pages stay
 * stable while new messages and conversations arrive. Anything we did not issue is refused.
 */

const MESSAGE_CURSOR = /^m:([1-9][0-9]{0,17})$/;
const CONVERSATION_TOKEN = /^c:(-?[0-9]{1,19}):([0-9a-f-]{36})$/;

const encode = (text: string) => Buffer.from(text, "utf8").toString("base64url");

function decode(token: string, pattern: RegExp): RegExpExecArray | undefined {
  if (token.length > limits.pageToken.max || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const text = Buffer.from(token, "base64url").toString("utf8");
  // Only the exact spelling we issue: no padding variants, no trailing bits.
  if (encode(text) !== token) return undefined;
  return pattern.exec(text) ?? undefined;
}

/** The `before` cursor of the page after a message with this seq. */
export const messageCursor = (seq: string) => encode(`m:${seq}`);

/** The seq a `before` cursor points at, or undefined for the first page. */
export function messageCursorSeq(before: string): string | undefined {
  if (before === "") return undefined;
  const match = decode(before, MESSAGE_CURSOR);
  if (!match) throw invalidArgument("before is not a cursor from a previous page.");
  return match[1];
}

export const conversationPageToken = (position: ActivityPosition) =>
  encode(`c:${position.activityUs}:${position.id}`);

export function conversationPagePosition(pageToken: string): ActivityPosition | undefined {
  if (pageToken === "") return undefined;
  const match = decode(pageToken, CONVERSATION_TOKEN);
  if (!match || !isUuid(match[2]!)) throw invalidArgument("page_token is not a token from a previous page.");
  return { activityUs: match[1]!, id: match[2]! };
}
