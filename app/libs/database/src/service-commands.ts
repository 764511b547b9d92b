import { secretFile } from "@parley/config";
import type { Logger } from "@parley/logger";
import type { MixedList } from "typeorm";
import { type DatabaseOptions, type ServiceDatabase, openDatabase } from "./service-database";

/** The DATABASE_* variables of a service's configuration (see @parley/config databaseVariables). */
export interface DatabaseSettings {
  DATABASE_URL: string;
  DATABASE_PASSWORD_FILE?: string;
  DATABASE_SCHEMA: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_MIGRATE_ON_START: boolean;
}

export interface ServiceSchema {
  migrations: MixedList<new () => unknown>;
  /** Shown in pg_stat_activity, e.g. `parley-auth`. */
  applicationName: string;
}

const optionsOf = (settings: DatabaseSettings, schema: ServiceSchema, logger: Logger): DatabaseOptions => ({
  url: settings.DATABASE_URL,
  password: settings.DATABASE_PASSWORD_FILE ? secretFile(settings.DATABASE_PASSWORD_FILE) : undefined,
  schema: settings.DATABASE_SCHEMA,
  poolSize: settings.DATABASE_POOL_SIZE,
  migrations: schema.migrations,
  applicationName: schema.applicationName,
  logger,
});

/** Opens a service's database for serving, applying pending migrations unless they run as a Job. */
export async function openServiceDatabase(
  settings: DatabaseSettings,
  schema: ServiceSchema,
  logger: Logger,
): Promise<ServiceDatabase> {
  const db = await openDatabase(optionsOf(settings, schema, logger));
  if (settings.DATABASE_MIGRATE_ON_START) await db.migrate();
  return db;
}

/** The `migrate` command: applies pending migrations and closes the connections. */
export async function migrateServiceDatabase(
  settings: DatabaseSettings,
  schema: ServiceSchema,
  logger: Logger,
): Promise<void> {
  const db = await openDatabase(optionsOf(settings, schema, logger));
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
}
