import { secretFile } from "@parley/config";
import { notificationV1 } from "@parley/contracts";
import { type DatabaseSettings, migrateServiceDatabase, openServiceDatabase } from "@parley/database";
import { brokerConnected, createBrokerConnection, topologyNames } from "@parley/event-bus";
import { bearerAuthentication, service } from "@parley/grpc";
import { type RunningGrpcService, serveGrpcService } from "@parley/lifecycle";
import type { Logger } from "@parley/logger";
import { createAuthClient, createMessagingClient, verifierFromAuth } from "@parley/service-clients";
import type { NotificationConfig } from "./config";
import { createLiveHub } from "./broker/live-hub";
import { notificationMigrations } from "./data-access/migrations";
import { createNotificationStore } from "./data-access/notification-store";
import type { NotificationDependencies } from "./domain/dependencies";
import { createStreamRegistry } from "./domain/stream-registry";
import { consumeEvents } from "./entry-points/amqp/event-handlers";
import { notificationHandlers } from "./entry-points/grpc/notification-handlers";
import { sharedConversationsVia } from "./upstream/messaging-service";

export type RunningNotification = RunningGrpcService;

const schema = { migrations: notificationMigrations, applicationName: "parley-notification" };

/** `node dist/main.js migrate`: applies pending migrations and returns. */
export const migrateNotification = (config: DatabaseSettings, logger: Logger) =>
  migrateServiceDatabase(config, schema, logger);

/** Starts the notification service: event consumer, live fan-out, gRPC server, admin endpoints. */
export async function startNotification(
  config: NotificationConfig,
  logger: Logger,
): Promise<RunningNotification> {
  const timeoutMs = config.GRPC_DEADLINE_MS;
  const db = await openServiceDatabase(config, schema, logger);
  const names = topologyNames(config.AMQP_NAMESPACE);
  const broker = createBrokerConnection({
    url: config.AMQP_URL,
    password: config.AMQP_PASSWORD_FILE ? secretFile(config.AMQP_PASSWORD_FILE) : undefined,
    clientName: "parley-notification",
    logger,
  });
  const auth = createAuthClient(config.AUTH_GRPC_URL);
  const messaging = createMessagingClient(config.MESSAGING_GRPC_URL);
  const store = createNotificationStore(db);
  const hub = createLiveHub(broker, names, logger);

  const deps: NotificationDependencies = {
    store,
    hub,
    sharedWith: sharedConversationsVia(messaging, timeoutMs),
    streams: createStreamRegistry(store, config.STREAM_HEARTBEAT_SECONDS),
  };

  const consumer = consumeEvents({ broker, db, names, config, store, hub, logger });

  return serveGrpcService({
    services: [
      service(notificationV1.NotificationServiceService, notificationHandlers(deps), {
        authenticate: bearerAuthentication(
          verifierFromAuth(auth, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, timeoutMs }),
        ),
      }),
    ],
    checks: [
      { name: "database", check: () => db.ping() },
      { name: "broker", check: async () => brokerConnected(broker), critical: false },
    ],
    ports: { grpc: config.GRPC_PORT, admin: config.ADMIN_PORT },
    release: [consumer, broker, auth, messaging, db],
    logger,
  });
}
