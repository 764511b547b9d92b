import type { Logger } from "@parley/logger";
import { connectionPoolGauges } from "@parley/metrics";
import { type ClientConfig, Pool, type PoolClient, type QueryResultRow } from "pg";
import { parseIntoClientConfig } from "pg-connection-string";
import { DataSource, type MixedList } from "typeorm";

export interface DatabaseOptions {
  url: string;
  /** Asked for each new connection (a rotated password needs no restart); else the URL's. */
  password?: () => Promise<string>;
  /** The schema the service owns; also its connections' search_path, so SQL names tables bare. */
  schema: string;
  poolSize: number;
  /** Migration classes in the order they apply. */
  migrations: MixedList<new () => unknown>;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  logger: Logger;
}

/** Runs one SQL statement and resolves with its rows (UPDATE/DELETE ... RETURNING included). */
export type Query = <Row extends QueryResultRow = Record<string, unknown>>(
  sql: string,
  parameters?: unknown[],
) => Promise<Row[]>;

export interface ServiceDatabase {
  /** Runs one statement on the pool, outside any transaction. */
  query: Query;
  /** Runs `work` in one transaction (READ COMMITTED): committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<string[]>;
  /** Rejects when the database does not answer (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

const queryOn =
  (client: Pool | PoolClient): Query =>
  async <Row extends QueryResultRow>(sql: string, parameters?: unknown[]) =>
    (await client.query<Row>(sql, parameters)).rows;

/**
 * How `pg` connects: the URL as it is, or, with a password function, the URL's parts and the
 * function (`pg` lets a connection string's empty password override a function given beside it).
 */
export const connectionOf = (url: string, password?: () => Promise<string>): ClientConfig =>
  password
    ? { ...parseIntoClientConfig(url), connectionString: undefined, password }
    : { connectionString: url };

/**
 * The service's own schema: statements on a `pg` pool, schema changes from TypeORM migrations only
 * (never `synchronize`). `migrate()` holds an advisory lock so replicas starting together apply each
 * migration once.
 */
export async function openDatabase(options: DatabaseOptions): Promise<ServiceDatabase> {
  const { url, password, schema, poolSize, migrations, applicationName, logger } = options;
  if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  // READ COMMITTED set once per connection: transactions then need no SET TRANSACTION round trip.
  const connectionOptions = `-c search_path=${schema} -c default_transaction_isolation=read\\ committed`;

  const pool = new Pool({
    ...connectionOf(url, password),
    max: poolSize,
    application_name: applicationName,
    options: connectionOptions,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection the server drops must not crash the process; the next checkout reconnects.
  pool.on("error", (error) => logger.warn({ err: error }, "idle database connection lost"));
  await pool.query("SELECT 1");
  connectionPoolGauges(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));

  return {
    query: queryOn(pool),

    async transaction(work) {
      const client = await pool.connect();
      // The pool listens for errors on idle connections only: a connection lost while checked out
      // and between statements (the relay awaits the broker mid-transaction) emits on the client,
      // and an unheard error would end the process. The next statement fails and rolls back.
      const lost = (error: Error) => logger.warn({ err: error }, "database connection lost in a transaction");
      client.on("error", lost);
      try {
        await client.query("BEGIN");
        const result = await work(queryOn(client));
        await client.query("COMMIT");
        client.off("error", lost);
        client.release();
        return result;
      } catch (error) {
        // A connection that cannot roll back is broken: it leaves the pool instead of returning.
        const rolledBack = await client.query("ROLLBACK").then(
          () => true,
          () => false,
        );
        client.off("error", lost);
        client.release(!rolledBack);
        throw error;
      }
    },

    async migrate() {
      // Two connections: one holds the lock while the migrations run on the other.
      const migrator = new DataSource({
        type: "postgres",
        url,
        schema,
        migrations,
        migrationsTableName: "migrations",
        logging: false,
        extra: {
          ...connectionOf(url, password),
          max: 2,
          application_name: applicationName,
          options: connectionOptions,
        },
      });
      await migrator.initialize();
      const runner = migrator.createQueryRunner();
      await runner.connect();
      try {
        await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`${schema}.migrations`]);
        // Where roles are provisioned the schema exists and its owner may not create one (even
        // IF NOT EXISTS asks for that right); a superuser in development creates it here.
        const existing = await runner.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]);
        if (existing.length === 0) await runner.query(`CREATE SCHEMA "${schema}"`);
        const applied = await migrator.runMigrations({ transaction: "each" });
        if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, "migrations applied");
        return applied.map((m) => m.name);
      } finally {
        await runner
          .query(`SELECT pg_advisory_unlock(hashtext($1))`, [`${schema}.migrations`])
          .catch(() => undefined);
        await runner.release();
        await migrator.destroy();
      }
    },

    async ping() {
      await pool.query("SELECT 1");
    },

    close: () => pool.end(),
  };
}
