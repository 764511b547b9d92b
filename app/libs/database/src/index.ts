export {
  connectionOf,
  openDatabase,
  type DatabaseOptions,
  type Query,
  type ServiceDatabase,
} from "./service-database";
// Migrations are TypeORM classes; nothing else of TypeORM leaves this package.
export type { MigrationInterface, QueryRunner } from "typeorm";
export {
  migrateServiceDatabase,
  openServiceDatabase,
  type DatabaseSettings,
  type ServiceSchema,
} from "./service-commands";
export {
  dropServiceRoles,
  provisionServiceRoles,
  type AdminConnection,
  type Login,
  type ServiceRoles,
} from "./service-roles";
