import { secretFile } from "@parley/config";
import { messagingV1 } from "@parley/contracts";
import { type DatabaseSettings, migrateServiceDatabase, openServiceDatabase } from "@parley/database";
import { createBrokerConnection, startOutboxRelay, topologyNames } from "@parley/event-bus";
import { bearerAuthentication, service } from "@parley/grpc";
import { type RunningGrpcService, serveGrpcService } from "@parley/lifecycle";
import type { Logger } from "@parley/logger";
import type { MessagingConfig } from "./config";
import { createMessagingStore } from "./data-access/messaging-store";
import { messagingMigrations } from "./data-access/migrations";
import type { MessagingDependencies } from "./domain/dependencies";
import { messagingHandlers } from "./entry-points/grpc/messaging-handlers";
import { connectAuthService } from "./upstream/auth-service";

export type RunningMessaging = RunningGrpcService;

const schema = { migrations: messagingMigrations, applicationName: "parley-messaging" };

/** `node dist/main.js migrate`: applies pending migrations and returns. */
export const migrateMessaging = (config: DatabaseSettings, logger: Logger) =>
  migrateServiceDatabase(config, schema, logger);

/**
 * Starts the messaging service: database, auth client, outbox relay, gRPC server, admin
 * endpoints. The broker is not waited for: sends go to the outbox and the relay catches up.
 */
export async function startMessaging(config: MessagingConfig, logger: Logger): Promise<RunningMessaging> {
  const db = await openServiceDatabase(config, schema, logger);

  const auth = connectAuthService({
    address: config.AUTH_GRPC_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    timeoutMs: config.GRPC_DEADLINE_MS,
  });
  const broker = createBrokerConnection({
    url: config.AMQP_URL,
    password: config.AMQP_PASSWORD_FILE ? secretFile(config.AMQP_PASSWORD_FILE) : undefined,
    clientName: "parley-messaging",
    logger,
  });
  const relay = startOutboxRelay({ db, broker, names: topologyNames(config.AMQP_NAMESPACE), logger });

  const deps: MessagingDependencies = {
    store: createMessagingStore(db, relay.transaction),
    users: auth.users,
  };
  return serveGrpcService({
    services: [
      service(messagingV1.MessagingServiceService, messagingHandlers(deps), {
        authenticate: bearerAuthentication(auth.verifier),
      }),
    ],
    // The database only: while the broker is away sends still succeed (the outbox holds the
    // events), so a broker outage must not take replicas out of rotation.
    checks: [{ name: "database", check: () => db.ping() }],
    ports: { grpc: config.GRPC_PORT, admin: config.ADMIN_PORT },
    release: [auth, relay, broker, db],
    logger,
  });
}
