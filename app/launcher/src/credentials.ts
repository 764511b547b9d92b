import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dropServiceRoles } from "@parley/database";
import { deleteBrokerUser } from "@parley/event-bus";
import { type BrokerRole, type ProvisionConfig, provisionService } from "@parley/provisioning";
import { createLogger } from "@parley/logger";

/** The services that own data, and what their broker users may do. */
export const dataServices = {
  auth: "publisher",
  messaging: "publisher",
  notification: { consumer: "notification" },
} satisfies Record<string, BrokerRole>;

export type DataService = keyof typeof dataServices;

export interface CredentialOptions {
  /** An administrator of the database (locally, the superuser DATABASE_URL names). */
  adminDatabaseUrl: string;
  /** An administrator of the broker (locally, guest), over AMQP; the management API is on `managementUrl`. */
  adminAmqpUrl: string;
  managementUrl: string;
  /** Roles and broker users are `<rolePrefix>_<service>` (and `..._migrator`). */
  rolePrefix: string;
  schemaPrefix: string;
  namespace: string;
  /** Where the password files go (mode 0600). */
  secretsDir: string;
}

export interface ServiceCredentials {
  runtimeRole: string;
  migratorRole: string;
  brokerUser: string;
  /** What the service runs with: its own role and broker user, passwords in files. */
  serveEnv: Record<
    | "DATABASE_URL"
    | "DATABASE_PASSWORD_FILE"
    | "DATABASE_SCHEMA"
    | "DATABASE_MIGRATE_ON_START"
    | "AMQP_URL"
    | "AMQP_PASSWORD_FILE",
    string
  >;
  /** What `migrate` runs with: the migration role. */
  migrateEnv: Record<"DATABASE_URL" | "DATABASE_PASSWORD_FILE" | "DATABASE_SCHEMA", string>;
}

export interface PlatformCredentials {
  services: Record<DataService, ServiceCredentials>;
  /** Gives the service's runtime role a new password and then its password file. */
  rotateDatabasePassword(service: DataService): Promise<void>;
  /** Drops the roles, their schemas and the broker users (tests). */
  remove(): Promise<void>;
}

const newPassword = () => randomBytes(24).toString("base64url");

const withUser = (url: string, user: string) => {
  const next = new URL(url);
  next.username = user;
  next.password = "";
  return next.toString();
};

/** Writes a password file atomically, so a reader never sees half of it. */
async function writeSecret(path: string, value: string) {
  await writeFile(`${path}.next`, value, { mode: 0o600 });
  await rename(`${path}.next`, path);
}

/**
 * Gives every data service its own database roles and broker user, with new random passwords in
 * files, through the same `provisionService` the services' `provision` command runs in Kubernetes.
 */
export async function provisionCredentials(options: CredentialOptions): Promise<PlatformCredentials> {
  const logger = createLogger({ service: "launcher", level: "warn" });
  const adminAmqp = new URL(options.adminAmqpUrl);
  await mkdir(options.secretsDir, { recursive: true, mode: 0o700 });
  const brokerAdminFile = join(options.secretsDir, "rabbitmq-admin");
  await writeSecret(brokerAdminFile, decodeURIComponent(adminAmqp.password));

  const entries = await Promise.all(
    (Object.entries(dataServices) as [DataService, BrokerRole][]).map(async ([service, brokerRole]) => {
      const dir = join(options.secretsDir, service);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const files = {
        database: join(dir, "database-password"),
        migrator: join(dir, "migrator-password"),
        rabbitmq: join(dir, "rabbitmq-password"),
      };
      const passwords = { database: newPassword(), migrator: newPassword(), rabbitmq: newPassword() };
      const runtimeRole = `${options.rolePrefix}_${service}`;
      const migratorRole = `${runtimeRole}_migrator`;
      const config: ProvisionConfig = {
        LOG_LEVEL: "warn",
        DATABASE_URL: withUser(options.adminDatabaseUrl, runtimeRole),
        DATABASE_PASSWORD_FILE: files.database,
        DATABASE_SCHEMA: `${options.schemaPrefix}${service}`,
        DATABASE_ADMIN_URL: options.adminDatabaseUrl,
        DATABASE_MIGRATOR_URL: withUser(options.adminDatabaseUrl, migratorRole),
        DATABASE_MIGRATOR_PASSWORD_FILE: files.migrator,
        AMQP_URL: withUser(options.adminAmqpUrl, runtimeRole),
        AMQP_PASSWORD_FILE: files.rabbitmq,
        AMQP_NAMESPACE: options.namespace,
        RABBITMQ_MANAGEMENT_URL: options.managementUrl,
        RABBITMQ_ADMIN_USER: decodeURIComponent(adminAmqp.username),
        RABBITMQ_ADMIN_PASSWORD_FILE: brokerAdminFile,
      };
      for (const [kind, file] of Object.entries(files))
        await writeSecret(file, passwords[kind as keyof typeof files]);
      await provisionService(config, brokerRole, logger);
      const credentials: ServiceCredentials & { config: ProvisionConfig; brokerRole: BrokerRole } = {
        runtimeRole,
        migratorRole,
        brokerUser: runtimeRole,
        config,
        brokerRole,
        serveEnv: {
          DATABASE_URL: config.DATABASE_URL,
          DATABASE_PASSWORD_FILE: files.database,
          DATABASE_SCHEMA: config.DATABASE_SCHEMA,
          DATABASE_MIGRATE_ON_START: "false",
          AMQP_URL: config.AMQP_URL,
          AMQP_PASSWORD_FILE: files.rabbitmq,
        },
        migrateEnv: {
          DATABASE_URL: config.DATABASE_MIGRATOR_URL,
          DATABASE_PASSWORD_FILE: files.migrator,
          DATABASE_SCHEMA: config.DATABASE_SCHEMA,
        },
      };
      return [service, credentials] as const;
    }),
  );
  const services = Object.fromEntries(entries) as Record<
    DataService,
    ServiceCredentials & { config: ProvisionConfig; brokerRole: BrokerRole }
  >;

  return {
    services,
    async rotateDatabasePassword(service) {
      const { config, brokerRole } = services[service];
      const next = `${config.DATABASE_PASSWORD_FILE}.rotated`;
      await writeSecret(next, newPassword());
      // The role changes first, then the file the service reads on its next connection.
      await provisionService({ ...config, DATABASE_PASSWORD_FILE: next }, brokerRole, logger);
      await rename(next, config.DATABASE_PASSWORD_FILE!);
    },
    remove: () => removeCredentials(options),
  };
}

/** Drops every data service's schema and roles and deletes its broker user (tests clean up with it). */
export async function removeCredentials(
  options: Pick<
    CredentialOptions,
    "adminDatabaseUrl" | "adminAmqpUrl" | "managementUrl" | "rolePrefix" | "schemaPrefix"
  >,
): Promise<void> {
  const adminAmqp = new URL(options.adminAmqpUrl);
  const broker = {
    url: options.managementUrl,
    user: decodeURIComponent(adminAmqp.username),
    password: decodeURIComponent(adminAmqp.password),
  };
  for (const service of Object.keys(dataServices)) {
    const runtimeRole = `${options.rolePrefix}_${service}`;
    await dropServiceRoles(
      { url: options.adminDatabaseUrl },
      { schema: `${options.schemaPrefix}${service}`, roles: [runtimeRole, `${runtimeRole}_migrator`] },
    );
    await deleteBrokerUser(broker, runtimeRole);
  }
}

/** The role prefix of a database: its name, so that each database has its own roles. */
export const rolePrefixOf = (databaseUrl: string) =>
  decodeURIComponent(new URL(databaseUrl).pathname.slice(1))
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_");
