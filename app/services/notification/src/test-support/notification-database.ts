import { type ServiceDatabase, openDatabase } from "@parley/database";
import { createLogger } from "@parley/logger";
import { dropSchemas, testDatabaseUrl, uniqueName } from "@parley/test-support";
import { notificationMigrations } from "../data-access/migrations";
import { type NotificationStore, createNotificationStore } from "../data-access/notification-store";

export interface NotificationTestDatabase {
  db: ServiceDatabase;
  store: NotificationStore;
  /** Closes the pool and drops the schema. */
  close(): Promise<void>;
}

/** The notification schema, migrated into a schema of its own on the test PostgreSQL, with its store. */
export async function openNotificationTestDatabase(name: string): Promise<NotificationTestDatabase> {
  const schema = uniqueName(name);
  const db = await openDatabase({
    url: testDatabaseUrl,
    schema,
    poolSize: 4,
    migrations: notificationMigrations,
    applicationName: name,
    logger: createLogger({ service: name, level: "silent" }),
  });
  await db.migrate();
  return {
    db,
    store: createNotificationStore(db),
    async close() {
      await db.close();
      await dropSchemas(schema);
    },
  };
}
