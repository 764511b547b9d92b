import type { Logger } from "@parley/logger";
import { connectionPoolGauges } from "@parley/metrics";
import { DataSource, type EntityManager, type MixedList } from "typeorm";

export interface DatabaseOptions {
  url: string;
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
export type Query = <Row>(sql: string, parameters?: unknown[]) => Promise<Row[]>;

/**
 * The rows of statements run in a transaction. TypeORM's plain `query()` answers
 * UPDATE/DELETE ... RETURNING with `[rows, count]`; structured results always give the rows.
 */
export function queryIn(manager: EntityManager): Query {
  return async <Row>(sql: string, parameters?: unknown[]) =>
    (await manager.queryRunner!.query(sql, parameters, true)).records as Row[];
}

export interface ServiceDatabase {
  dataSource: DataSource;
  /** Runs one statement on the pool, outside any transaction. */
  query: Query;
  /** Runs `work` in one transaction (READ COMMITTED) and returns its result. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<string[]>;
  /** Rejects when the database does not answer (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A TypeORM data source on the service's own schema. Schema changes come only from migrations
 * (never `synchronize`); `migrate()` holds an advisory lock so replicas starting together apply
 * each migration once.
 */
export async function openDatabase(options: DatabaseOptions): Promise<ServiceDatabase> {
  const { url, schema, poolSize, migrations, applicationName, logger } = options;
  if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);

  const dataSource = new DataSource({
    type: "postgres",
    url,
    schema,
    synchronize: false,
    migrationsRun: false,
    migrations,
    migrationsTableName: "migrations",
    logging: false,
    extra: {
      max: poolSize,
      application_name: applicationName,
      // READ COMMITTED set once per connection: transactions then need no SET TRANSACTION round trip.
      options: `-c search_path=${schema} -c default_transaction_isolation=read\\ committed`,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
    },
  });
  await dataSource.initialize();
  const pool = (
    dataSource.driver as unknown as {
      master: { totalCount: number; idleCount: number; waitingCount: number };
    }
  ).master;
  connectionPoolGauges(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));

  return {
    dataSource,
    async query<Row>(sql: string, parameters?: unknown[]) {
      const runner = dataSource.createQueryRunner();
      try {
        return (await runner.query(sql, parameters, true)).records as Row[];
      } finally {
        await runner.release();
      }
    },
    transaction: (work) => dataSource.transaction(work),

    async migrate() {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`${schema}.migrations`]);
        await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        const applied = await dataSource.runMigrations({ transaction: "each" });
        if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, "migrations applied");
        return applied.map((m) => m.name);
      } finally {
        await runner
          .query(`SELECT pg_advisory_unlock(hashtext($1))`, [`${schema}.migrations`])
          .catch(() => undefined);
        await runner.release();
      }
    },

    async ping() {
      await dataSource.query("SELECT 1");
    },

    close: () => dataSource.destroy(),
  };
}
