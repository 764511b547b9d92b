export {
  openDatabase,
  queryIn,
  type DatabaseOptions,
  type Query,
  type ServiceDatabase,
} from "./service-database";
export type { EntityManager, MigrationInterface, QueryRunner } from "typeorm";
export {
  migrateServiceDatabase,
  openServiceDatabase,
  type DatabaseSettings,
  type ServiceSchema,
} from "./service-commands";
