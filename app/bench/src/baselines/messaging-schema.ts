import { type ServiceDatabase, openDatabase } from "@parley/database";
import { createLogger } from "@parley/logger";
import { messagingMigrations } from "@parley/messaging/send-path";
import { Client } from "pg";

/**
 * Runs `use` on a schema of its own that the messaging service's own pool and migrations create
 * (its tables, indexes and outbox exactly), then drops the schema.
 */
export async function withMessagingSchema<T>(
  options: { databaseUrl: string; schema: string; poolSize: number },
  use: (db: ServiceDatabase) => Promise<T>,
): Promise<T> {
  let db: ServiceDatabase | undefined;
  try {
    db = await openDatabase({
      url: options.databaseUrl,
      schema: options.schema,
      poolSize: options.poolSize,
      migrations: messagingMigrations,
      applicationName: "parley-bench",
      logger: createLogger({ service: "bench", level: "warn" }),
    });
    await db.migrate();
    return await use(db);
  } finally {
    await db?.close();
    const admin = new Client({ connectionString: options.databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${options.schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}
