import { z } from "zod";

/** Schemas for the kinds of value that environment variables hold. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),

  integer: (min: number, max: number, fallback: number) =>
    z.coerce
      .number()
      .int(`must be a whole number between ${min} and ${max}`)
      .min(min, `must be a whole number between ${min} and ${max}`)
      .max(max, `must be a whole number between ${min} and ${max}`)
      .default(fallback),

  boolean: (fallback: boolean) =>
    z
      .enum(["true", "false", "1", "0"], { message: "must be true or false" })
      .default(fallback ? "true" : "false")
      .transform((value) => value === "true" || value === "1"),

  url: (protocols: string[]) =>
    z.string().refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ""));
        } catch {
          return false;
        }
      },
      { message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(" or ")}` },
    ),

  /**
   * A gRPC target: `host:port`; `dns:///host:port` to balance over every address of a name;
   * `ipv4:host:port,host:port` for a fixed list (local replicas).
   */
  address: () =>
    z
      .string()
      .regex(
        /^((dns:\/\/\/)?([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}|ipv4:(\d{1,3}(\.\d{1,3}){3}:\d{1,5})(,\d{1,3}(\.\d{1,3}){3}:\d{1,5})*)$/,
        "must be host:port, dns:///host:port or ipv4:host:port,host:port",
      ),

  name: (fallback: string) =>
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase identifier (letters, digits, underscores)")
      .default(fallback),

  /** An absolute path to a file holding a secret (a Secret volume in Kubernetes). */
  filePath: () => z.string().regex(/^\/\S+$/, "must be an absolute file path"),

  logLevel: () => z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
};

/** Variables every service reads. */
export const commonVariables = {
  LOG_LEVEL: env.logLevel(),
  ADMIN_PORT: env.port(9464),
  JWT_ISSUER: z.string().default("parley-auth"),
  JWT_AUDIENCE: z.string().default("parley"),
};

/** Variables of the services that own a PostgreSQL schema. */
export const databaseVariables = (serviceName: string) => ({
  DATABASE_URL: env.url(["postgres", "postgresql"]),
  /** The password, read again for every new connection so that a rotated one needs no restart. */
  DATABASE_PASSWORD_FILE: env.filePath().optional(),
  DATABASE_SCHEMA: env.name(serviceName),
  DATABASE_POOL_SIZE: env.integer(1, 200, 10),
  DATABASE_MIGRATE_ON_START: env.boolean(true),
});

/** Variables of `node dist/main.js migrate`: the database and nothing else. */
export const migrateConfigShape = (serviceName: string) => ({
  LOG_LEVEL: env.logLevel(),
  ...databaseVariables(serviceName),
});

/** Variables of the services that publish or consume events. */
export const brokerVariables = {
  AMQP_URL: env.url(["amqp", "amqps"]),
  /** The password, read again for every reconnect. */
  AMQP_PASSWORD_FILE: env.filePath().optional(),
  AMQP_NAMESPACE: env.name("parley"),
};

/**
 * Variables of the `provision` command: the administrator credentials it uses to create or update a
 * service's database roles and broker user, and the migration role's (the runtime role and the
 * broker user come from DATABASE_* and AMQP_*).
 */
export const provisionVariables = {
  DATABASE_ADMIN_URL: env.url(["postgres", "postgresql"]),
  DATABASE_ADMIN_PASSWORD_FILE: env.filePath().optional(),
  DATABASE_MIGRATOR_URL: env.url(["postgres", "postgresql"]),
  DATABASE_MIGRATOR_PASSWORD_FILE: env.filePath().optional(),
  RABBITMQ_MANAGEMENT_URL: env.url(["http", "https"]),
  RABBITMQ_ADMIN_USER: z.string().min(1),
  RABBITMQ_ADMIN_PASSWORD_FILE: env.filePath(),
  // The broker's monitoring login (Prometheus's, in the cloud), ensured alongside the service's user.
  RABBITMQ_MONITORING_USER: z.string().min(1).optional(),
  RABBITMQ_MONITORING_PASSWORD_FILE: env.filePath().optional(),
};
