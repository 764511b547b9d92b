import type { Query, ServiceDatabase } from "@parley/database";
import type {
  NewNotification,
  NotificationDetail,
  NotificationRecord,
  NotificationSource,
  PresenceRecord,
} from "./records";

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
   * Creates the notifications of a batch of events inside the consumer's transaction, in one
   * statement: each user's cursor moves once by the user's count, taken in user-id order (so two
   * batches never deadlock), and the user's new sequences follow the events' order. Returns each
   * event's notifications, in the events' order.
   */
  insert(
    query: Query,
    events: { source: NotificationSource; items: NewNotification[] }[],
  ): Promise<NotificationRecord[][]>;
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
  /** Renews the leases of the given streams and the presence of the given users. */
  renewStreams(streamIds: string[], userIds: string[], leaseSeconds: number): Promise<void>;
  /** Each user's last committed sequence (users without a notification are left out). */
  lastSequences(userIds: string[]): Promise<Map<string, number>>;
  closeStream(streamId: string, userId: string): Promise<void>;
  presence(userIds: string[]): Promise<PresenceRecord[]>;
}

export function createNotificationStore(db: ServiceDatabase): NotificationStore {
  const { query } = db;
  return {
    async insert(inTransaction, events) {
      const items = events.flatMap(({ source, items }) =>
        items.map(({ userId, detail: { kind, ...detail } }) => ({
          user_id: userId,
          kind,
          detail,
          source_event_id: source.eventId,
          occurred_at: source.occurredAt,
          trace_context: source.traceContext,
        })),
      );
      const rows = items.length
        ? await inTransaction<NotificationRow & { source_event_id: string }>(
            `WITH item AS (
               SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(ordinal int, user_id uuid, kind text,
                 detail jsonb, source_event_id uuid, occurred_at timestamptz, trace_context jsonb)
             ), bumped AS (
               INSERT INTO notification_cursors AS cursor (user_id, last_sequence)
               SELECT user_id, count(*) FROM item GROUP BY user_id ORDER BY user_id
               ON CONFLICT (user_id) DO UPDATE SET last_sequence = cursor.last_sequence + excluded.last_sequence
               RETURNING user_id, last_sequence
             )
             INSERT INTO notifications (id, user_id, sequence, kind, detail, source_event_id, occurred_at, trace_context)
             SELECT gen_random_uuid(), item.user_id,
                    bumped.last_sequence - count(*) OVER mine + row_number() OVER (mine ORDER BY item.ordinal),
                    item.kind, item.detail, item.source_event_id, item.occurred_at, item.trace_context
               FROM item JOIN bumped USING (user_id)
             WINDOW mine AS (PARTITION BY item.user_id)
             RETURNING ${COLUMNS}, source_event_id`,
            [JSON.stringify(items.map((item, ordinal) => ({ ordinal, ...item })))],
          )
        : [];
      return events.map(({ source }) =>
        rows.filter((row) => row.source_event_id === source.eventId).map(toRecord),
      );
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

    async renewStreams(streamIds, userIds, leaseSeconds) {
      await query(
        `UPDATE live_streams SET expires_at = now() + make_interval(secs => $2) WHERE id = ANY($1::uuid[])`,
        [streamIds, leaseSeconds],
      );
      await query(`UPDATE presence SET last_seen_at = now() WHERE user_id = ANY($1::uuid[])`, [userIds]);
    },

    async lastSequences(userIds) {
      const rows = await query<{ user_id: string; last_sequence: string }>(
        `SELECT user_id, last_sequence FROM notification_cursors WHERE user_id = ANY($1::uuid[])`,
        [userIds],
      );
      return new Map(rows.map((row) => [row.user_id, Number(row.last_sequence)]));
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
