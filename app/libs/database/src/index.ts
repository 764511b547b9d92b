export { openDatabase, type DatabaseOptions, type ServiceDatabase } from "./service-database";
export type { EntityManager, MigrationInterface, QueryRunner } from "typeorm";
