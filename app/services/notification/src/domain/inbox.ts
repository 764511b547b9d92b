import type { Caller } from "@parley/access-token";
import { isUuid, limits } from "@parley/contracts";
import { invalidArgument, notFound } from "@parley/errors";
import type { NotificationDependencies } from "./dependencies";

function pageSizeOf(requested: number): number {
  const { min, max, default: fallback } = limits.pageSize;
  if (requested === 0) return fallback;
  if (!Number.isInteger(requested) || requested < min || requested > max)
    throw invalidArgument(`page_size must be ${min} to ${max}.`);
  return requested;
}

const encodeToken = (unread: boolean, sequence: number) =>
  Buffer.from(`${unread ? 1 : 0}:${sequence}`).toString("base64url");

function decodeToken(token: string): { unread: boolean; sequence: number } | undefined {
  if (!token) return undefined;
  if (token.length > limits.pageToken.max)
    throw invalidArgument("page_token is not one this service issued.");
  const match = /^([01]):(\d{1,15})$/.exec(Buffer.from(token, "base64url").toString());
  if (!match) throw invalidArgument("page_token is not one this service issued.");
  return { unread: match[1] === "1", sequence: Number(match[2]) };
}

/** A page of the caller's notifications, unread first, then newest first. */
export async function listNotifications(
  deps: NotificationDependencies,
  { userId }: Caller,
  request: { pageSize: number; pageToken: string },
) {
  const limit = pageSizeOf(request.pageSize);
  const records = await deps.store.page(userId, limit + 1, decodeToken(request.pageToken));
  const page = records.slice(0, limit);
  const last = page[page.length - 1];
  return {
    notifications: page,
    nextPageToken: records.length > limit && last ? encodeToken(last.readAt === null, last.sequence) : "",
    unreadCount: await deps.store.unreadCount(userId),
  };
}

export async function markNotificationRead(deps: NotificationDependencies, { userId }: Caller, id: string) {
  if (!isUuid(id)) throw invalidArgument("notification_id must be a UUID in lowercase.");
  if (!(await deps.store.markRead(userId, id))) throw notFound("No such notification.");
}

export async function markAllNotificationsRead(deps: NotificationDependencies, { userId }: Caller) {
  return deps.store.markAllRead(userId);
}

/** Presence of the given users, limited to those who share a conversation with the caller. */
export async function getPresence(deps: NotificationDependencies, caller: Caller, userIds: string[]) {
  const { userId } = caller;
  const { min, max } = limits.userIdLookup;
  if (userIds.length < min || userIds.length > max)
    throw invalidArgument(`user_ids must hold ${min} to ${max} ids.`);
  if (!userIds.every(isUuid)) throw invalidArgument("user_ids must be UUIDs in lowercase.");
  const others = [...new Set(userIds)].filter((id) => id !== userId);
  const visible = new Set(others.length ? await deps.sharedWith(caller, others) : []);
  if (userIds.includes(userId)) visible.add(userId);
  return deps.store.presence([...visible]);
}
