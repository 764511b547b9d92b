import type { Query, ServiceDatabase } from "@parley/database";
import type { NewNotification, NotificationDetail, NotificationRecord, PresenceRecord } from "./records";

interface NotificationRow {
  id: string;
  user_id: string;
  sequence: string;
  kind: NotificationDetail["kind"];
  detail: Record<string, string>;
  occurred_at: Date;
  created_at: Date;
  read_at: Date | null;
  trace_context: Record<string, string>;
}

const COLUMNS = "id, user_id, sequence, kind, detail, occurred_at, created_at, read_at, trace_context";

const toRecord = (row: NotificationRow): NotificationRecord => ({
  id: row.id,
  userId: row.user_id,
  sequence: Number(row.sequence),
  detail: { ...row.detail, kind: row.kind } as NotificationDetail,
  occurredAt: row.occurred_at,
  createdAt: row.created_at,
  readAt: row.read_at,
  traceContext: row.trace_context,
});

export interface NotificationStore {
  /**
   * Creates notifications inside the consumer's transaction, handing out each user's next
   * sequence under that user's cursor row lock (taken in user-id order, so never deadlocking).
   */
  insert(
    query: Query,
    source: { eventId: string; occurredAt: Date; traceContext: Record<string, string> },
    items: NewNotification[],
  ): Promise<NotificationRecord[]>;
  /** A user's notifications with a sequence above `after`, oldest first. */
  after(userId: string, after: number, limit: number): Promise<NotificationRecord[]>;
  /** Unread first, then newest first; `before` is the last (unread, sequence) of the previous page. */
  page(
    userId: string,
    limit: number,
    before?: { unread: boolean; sequence: number },
  ): Promise<NotificationRecord[]>;
  unreadCount(userId: string): Promise<number>;
  markRead(userId: string, notificationId: string): Promise<boolean>;
  markAllRead(userId: string): Promise<number>;
  openStream(streamId: string, userId: string, leaseSeconds: number): Promise<void>;
  renewStream(streamId: string, userId: string, leaseSeconds: number): Promise<void>;
  closeStream(streamId: string, userId: string): Promise<void>;
  presence(userIds: string[]): Promise<PresenceRecord[]>;
}

export function createNotificationStore(db: ServiceDatabase): NotificationStore {
  const { query } = db;
  return {
    async insert(inTransaction, source, items) {
      const created: NotificationRecord[] = [];
      const byKind = new Map<string, NewNotification[]>();
      for (const item of [...items].sort((a, b) => a.userId.localeCompare(b.userId))) {
        const key = JSON.stringify(item.detail);
        byKind.set(key, [...(byKind.get(key) ?? []), item]);
      }
      for (const [, group] of byKind) {
        const { kind, ...detail } = group[0]!.detail;
        const rows = await inTransaction<NotificationRow>(
          `WITH bumped AS (
             INSERT INTO notification_cursors (user_id, last_sequence)
             SELECT unnest($1::uuid[]), 1
             ON CONFLICT (user_id) DO UPDATE SET last_sequence = notification_cursors.last_sequence + 1
             RETURNING user_id, last_sequence
           )
           INSERT INTO notifications (id, user_id, sequence, kind, detail, source_event_id, occurred_at, trace_context)
           SELECT gen_random_uuid(), user_id, last_sequence, $2, $3, $4, $5, $6 FROM bumped
           RETURNING ${COLUMNS}`,
          [
            group.map((item) => item.userId),
            kind,
            detail,
            source.eventId,
            source.occurredAt,
            source.traceContext,
          ],
        );
        created.push(...rows.map(toRecord));
      }
      return created;
    },

    async after(userId, after, limit) {
      const rows = await query<NotificationRow>(
        `SELECT ${COLUMNS} FROM notifications WHERE user_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3`,
        [userId, after, limit],
      );
      return rows.map(toRecord);
    },

    async page(userId, limit, before) {
      const rows = await query<NotificationRow>(
        `SELECT ${COLUMNS} FROM notifications
          WHERE user_id = $1 AND ($2::boolean IS NULL OR (read_at IS NULL, sequence) < ($2::boolean, $3::bigint))
          ORDER BY read_at IS NULL DESC, sequence DESC LIMIT $4`,
        [userId, before?.unread ?? null, before?.sequence ?? null, limit],
      );
      return rows.map(toRecord);
    },

    async unreadCount(userId) {
      const rows = await query<{ n: string }>(
        `SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`,
        [userId],
      );
      return Number(rows[0]?.n ?? 0);
    },

    async markRead(userId, notificationId) {
      const rows = await query<{ id: string }>(
        `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING id`,
        [notificationId, userId],
      );
      return rows.length === 1;
    },

    async markAllRead(userId) {
      const rows = await query<{ id: string }>(
        `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING id`,
        [userId],
      );
      return rows.length;
    },

    async openStream(streamId, userId, leaseSeconds) {
      await query(
        `INSERT INTO live_streams (id, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
        [streamId, userId, leaseSeconds],
      );
      await query(
        `INSERT INTO presence (user_id, last_seen_at) VALUES ($1, now())
         ON CONFLICT (user_id) DO UPDATE SET last_seen_at = now()`,
        [userId],
      );
    },

    async renewStream(streamId, userId, leaseSeconds) {
      await query(`UPDATE live_streams SET expires_at = now() + make_interval(secs => $2) WHERE id = $1`, [
        streamId,
        leaseSeconds,
      ]);
      await query(`UPDATE presence SET last_seen_at = now() WHERE user_id = $1`, [userId]);
    },

    async closeStream(streamId, userId) {
      await query(`DELETE FROM live_streams WHERE id = $1 OR expires_at < now() - interval '1 hour'`, [
        streamId,
      ]);
      await query(`UPDATE presence SET last_seen_at = now() WHERE user_id = $1`, [userId]);
    },

    async presence(userIds) {
      const rows = await query<{ user_id: string; online: boolean; last_seen_at: Date | null }>(
        `SELECT u.user_id,
                EXISTS (SELECT 1 FROM live_streams s WHERE s.user_id = u.user_id AND s.expires_at > now()) AS online,
                p.last_seen_at
           FROM unnest($1::uuid[]) AS u(user_id)
           LEFT JOIN presence p ON p.user_id = u.user_id`,
        [userIds],
      );
      return rows.map((row) => ({ userId: row.user_id, online: row.online, lastSeenAt: row.last_seen_at }));
    },
  };
}
