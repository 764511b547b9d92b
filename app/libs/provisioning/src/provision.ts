import {
  brokerVariables,
  commonVariables,
  databaseVariables,
  loadConfig,
  migrateConfigShape,
  provisionVariables,
  secretFile,
} from "@parley/config";
import { type DatabaseSettings, provisionServiceRoles } from "@parley/database";
import {
  brokerPermissions,
  provisionBrokerUser,
  provisionMonitoringUser,
  topologyNames,
} from "@parley/event-bus";
import { ownCommand } from "@parley/lifecycle";
import type { Logger } from "@parley/logger";

/** The variables of `node dist/main.js provision` for a service that owns `schema`. */
export const provisionConfigShape = (schema: string) => ({
  LOG_LEVEL: commonVariables.LOG_LEVEL,
  ...databaseVariables(schema),
  ...brokerVariables,
  ...provisionVariables,
});

export interface ProvisionConfig {
  LOG_LEVEL: string;
  DATABASE_URL: string;
  DATABASE_PASSWORD_FILE?: string;
  DATABASE_SCHEMA: string;
  DATABASE_ADMIN_URL: string;
  DATABASE_ADMIN_PASSWORD_FILE?: string;
  DATABASE_MIGRATOR_URL: string;
  DATABASE_MIGRATOR_PASSWORD_FILE?: string;
  AMQP_URL: string;
  AMQP_PASSWORD_FILE?: string;
  AMQP_NAMESPACE: string;
  RABBITMQ_MANAGEMENT_URL: string;
  RABBITMQ_ADMIN_USER: string;
  RABBITMQ_ADMIN_PASSWORD_FILE: string;
  RABBITMQ_MONITORING_USER?: string;
  RABBITMQ_MONITORING_PASSWORD_FILE?: string;
}

/** What a service's broker user may do: publish events, or consume them as `consumer`. */
export type BrokerRole = "publisher" | { consumer: string };

/** A login named by a URL's user, with the password from the file (or from the URL). */
async function loginOf(url: string, passwordFile: string | undefined) {
  const { username, password } = new URL(url);
  const name = decodeURIComponent(username);
  if (!name) throw new Error(`${new URL(url).host}: the URL names no user`);
  const secret = await secretFile(passwordFile, decodeURIComponent(password))();
  if (!secret) throw new Error(`no password for ${name}: set it in a password file`);
  return { name, password: secret };
}

/** The broker's monitoring login, when the configuration names one (the cloud's Prometheus). */
async function monitoringLoginOf(config: ProvisionConfig) {
  const name = config.RABBITMQ_MONITORING_USER;
  if (!name) return undefined;
  if (!config.RABBITMQ_MONITORING_PASSWORD_FILE)
    throw new Error("RABBITMQ_MONITORING_USER is set but RABBITMQ_MONITORING_PASSWORD_FILE is not");
  const password = await secretFile(config.RABBITMQ_MONITORING_PASSWORD_FILE)();
  return { name, password };
}

/**
 * Creates or updates, idempotently, a service's database roles (runtime and migration), its
 * schema, and its broker user with the permissions of `brokerRole` (and the broker's monitoring
 * login when configured), as the administrators. Run
 * before `migrate` (an init container of the migration Job; the launcher locally).
 */
export async function provisionService(config: ProvisionConfig, brokerRole: BrokerRole, logger: Logger) {
  const runtime = await loginOf(config.DATABASE_URL, config.DATABASE_PASSWORD_FILE);
  const migrator = await loginOf(config.DATABASE_MIGRATOR_URL, config.DATABASE_MIGRATOR_PASSWORD_FILE);
  await provisionServiceRoles(
    {
      url: config.DATABASE_ADMIN_URL,
      password: config.DATABASE_ADMIN_PASSWORD_FILE
        ? secretFile(config.DATABASE_ADMIN_PASSWORD_FILE)
        : undefined,
    },
    { schema: config.DATABASE_SCHEMA, runtime, migrator },
  );
  const brokerUser = await loginOf(config.AMQP_URL, config.AMQP_PASSWORD_FILE);
  const monitoringUser = await monitoringLoginOf(config);
  const brokerAdmin = {
    url: config.RABBITMQ_MANAGEMENT_URL,
    user: config.RABBITMQ_ADMIN_USER,
    password: await secretFile(config.RABBITMQ_ADMIN_PASSWORD_FILE)(),
  };
  await provisionBrokerUser(brokerAdmin, {
    ...brokerUser,
    permissions: brokerPermissions(topologyNames(config.AMQP_NAMESPACE), brokerRole),
  });
  if (monitoringUser) await provisionMonitoringUser(brokerAdmin, monitoringUser);
  logger.info(
    {
      schema: config.DATABASE_SCHEMA,
      roles: [runtime.name, migrator.name],
      brokerUser: brokerUser.name,
      ...(monitoringUser && { monitoringUser: monitoringUser.name }),
    },
    "database roles and broker user provisioned",
  );
}

/**
 * The commands of a service that owns data, each with only the configuration it needs (a migration
 * Job's container gets the migration role and nothing else): `migrate` and `provision`.
 */
export const dataServiceCommands = (
  schema: string,
  brokerRole: BrokerRole,
  migrate: (config: DatabaseSettings, logger: Logger) => Promise<void>,
) => ({
  migrate: ownCommand(() => loadConfig(migrateConfigShape(schema)), migrate),
  provision: ownCommand(
    () => loadConfig(provisionConfigShape(schema)),
    (config, logger) => provisionService(config, brokerRole, logger),
  ),
});
