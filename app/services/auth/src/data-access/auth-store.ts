import type { Query, ServiceDatabase } from "@parley/database";
import { AppError } from "@parley/errors";
import type { Enqueue, EventPayload, EventType, OutboxTransactions } from "@parley/event-bus";
import type { RefreshTokenRecord, StoredCredentials, UserRecord } from "./records";

/** Reads and writes inside one transaction. */
export interface AuthTransaction {
  insertUser(user: { id: string; username: string; passwordHash: string }): Promise<UserRecord>;
  insertSession(session: { id: string; userId: string; expiresAt: Date }): Promise<void>;
  insertRefreshToken(token: { hash: Buffer; sessionId: string; expiresAt: Date }): Promise<void>;
  /** Locks the token's row until the transaction ends, so two refreshes of one token serialize. */
  lockRefreshToken(hash: Buffer): Promise<RefreshTokenRecord | undefined>;
  markRefreshTokenUsed(hash: Buffer): Promise<void>;
  revokeSession(sessionId: string, reason: string): Promise<void>;
  /** Writes a domain event to the outbox; it is published once the transaction commits. */
  enqueue<T extends EventType>(type: T, payload: EventPayload<T>): Promise<void>;
}

export interface AuthStore {
  inTransaction<T>(work: (tx: AuthTransaction) => Promise<T>): Promise<T>;
  findCredentials(username: string): Promise<StoredCredentials | undefined>;
  findUsers(ids: string[]): Promise<UserRecord[]>;
  isSessionLive(sessionId: string): Promise<boolean>;
  /** The current failure count of each key within the window, and when the oldest window ends. */
  loginFailures(
    keys: string[],
    windowSeconds: number,
  ): Promise<{ failures: number; retryAfterSeconds: number }>;
  recordLoginFailure(keys: string[], windowSeconds: number): Promise<void>;
  clearLoginFailures(key: string): Promise<void>;
}

const UNIQUE_VIOLATION = "23505";

interface UserRow {
  id: string;
  username: string;
  created_at: Date;
  password_hash: string;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  username: row.username,
  createdAt: row.created_at,
});

function transactionOf(query: Query, enqueue: Enqueue): AuthTransaction {
  return {
    async enqueue(type, payload) {
      await enqueue(type, payload);
    },
    async insertUser({ id, username, passwordHash }) {
      try {
        const rows = await query<UserRow>(
          `INSERT INTO users (id, username, password_hash) VALUES ($1, $2, $3) RETURNING id, username, created_at`,
          [id, username, passwordHash],
        );
        return toUser(rows[0]!);
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION)
          throw new AppError("already_exists", "That username is taken.");
        throw error;
      }
    },
    async insertSession({ id, userId, expiresAt }) {
      await query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, $3)`, [
        id,
        userId,
        expiresAt,
      ]);
    },
    async insertRefreshToken({ hash, sessionId, expiresAt }) {
      await query(`INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)`, [
        hash,
        sessionId,
        expiresAt,
      ]);
    },
    async lockRefreshToken(hash) {
      const rows: {
        session_id: string;
        user_id: string;
        expires_at: Date;
        used_at: Date | null;
        revoked_at: Date | null;
        session_expires_at: Date;
      }[] = await query(
        `SELECT t.session_id, s.user_id, t.expires_at, t.used_at, s.revoked_at, s.expires_at AS session_expires_at
           FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t, s`,
        [hash],
      );
      const row = rows[0];
      return (
        row && {
          sessionId: row.session_id,
          userId: row.user_id,
          expiresAt: row.expires_at,
          usedAt: row.used_at,
          sessionRevokedAt: row.revoked_at,
          sessionExpiresAt: row.session_expires_at,
        }
      );
    },
    async markRefreshTokenUsed(hash) {
      await query(`UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1`, [hash]);
    },
    async revokeSession(sessionId, reason) {
      await query(
        `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
        [sessionId, reason],
      );
    },
  };
}

/**
 * The auth service's tables behind plain-object functions; SQL stays in this file. Transactions
 * run through the outbox, which publishes the events they enqueue once they commit.
 */
export function createAuthStore(db: ServiceDatabase, transaction: OutboxTransactions): AuthStore {
  const { query } = db;
  return {
    inTransaction: (work) => transaction(({ query, enqueue }) => work(transactionOf(query, enqueue))),

    async findCredentials(username) {
      const rows = await query<UserRow>(
        `SELECT id, username, created_at, password_hash FROM users WHERE username = $1`,
        [username],
      );
      const row = rows[0];
      return row && { ...toUser(row), passwordHash: row.password_hash };
    },

    async findUsers(ids) {
      const rows = await query<UserRow>(
        `SELECT id, username, created_at FROM users WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map(toUser);
    },

    async isSessionLive(sessionId) {
      const rows = await query<{ live: boolean }>(
        `SELECT revoked_at IS NULL AND expires_at > now() AS live FROM sessions WHERE id = $1`,
        [sessionId],
      );
      return rows[0]?.live === true;
    },

    async loginFailures(keys, windowSeconds) {
      const rows = await query<{ failures: number; retry_after: number }>(
        `SELECT failures, ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - now()))::int AS retry_after
           FROM login_failures
          WHERE key = ANY($1) AND window_started_at > now() - make_interval(secs => $2)
          ORDER BY failures DESC LIMIT 1`,
        [keys, windowSeconds],
      );
      return { failures: rows[0]?.failures ?? 0, retryAfterSeconds: Math.max(1, rows[0]?.retry_after ?? 1) };
    },

    async recordLoginFailure(keys, windowSeconds) {
      await query(
        `INSERT INTO login_failures (key, window_started_at, failures)
         SELECT unnest($1::text[]), now(), 1
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_failures.window_started_at > now() - make_interval(secs => $2)
                           THEN login_failures.failures + 1 ELSE 1 END,
           window_started_at = CASE WHEN login_failures.window_started_at > now() - make_interval(secs => $2)
                                    THEN login_failures.window_started_at ELSE now() END`,
        [keys, windowSeconds],
      );
    },

    async clearLoginFailures(key) {
      await query(`DELETE FROM login_failures WHERE key = $1`, [key]);
    },
  };
}
