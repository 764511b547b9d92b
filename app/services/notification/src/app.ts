import { createAdminServer } from "@parley/admin-http";
import { notificationV1 } from "@parley/contracts";
import { migrateServiceDatabase, openServiceDatabase } from "@parley/database";
import {
  brokerConnected,
  createBrokerConnection,
  startEventConsumer,
  topologyNames,
} from "@parley/event-bus";
import { bearerAuthentication, createGrpcServer, service } from "@parley/grpc";
import type { Stoppable } from "@parley/lifecycle";
import type { Logger } from "@parley/logger";
import { createAuthClient, createMessagingClient, verifierFromAuth } from "@parley/service-clients";
import type { NotificationConfig } from "./config";
import { createLiveHub } from "./broker/live-hub";
import { notificationMigrations } from "./data-access/migrations";
import { createNotificationStore } from "./data-access/notification-store";
import type { NotificationDependencies } from "./domain/dependencies";
import { recordNotifications } from "./domain/record-notifications";
import { notificationHandlers } from "./entry-points/grpc/notification-handlers";
import { sharedConversationsVia } from "./upstream/messaging-service";

export interface RunningNotification extends Stoppable {
  grpcPort: number;
  adminPort: number;
}

const schema = { migrations: notificationMigrations, applicationName: "parley-notification" };

/** `node dist/main.js migrate`: applies pending migrations and returns. */
export const migrateNotification = (config: NotificationConfig, logger: Logger) =>
  migrateServiceDatabase(config, schema, logger);

/** Starts the notification service: event consumer, live fan-out, gRPC server, admin endpoints. */
export async function startNotification(
  config: NotificationConfig,
  logger: Logger,
): Promise<RunningNotification> {
  const timeoutMs = config.GRPC_DEADLINE_MS;
  const db = await openServiceDatabase(config, schema, logger);
  const names = topologyNames(config.AMQP_NAMESPACE);
  const broker = createBrokerConnection({ url: config.AMQP_URL, clientName: "parley-notification", logger });
  const auth = createAuthClient(config.AUTH_GRPC_URL);
  const messaging = createMessagingClient(config.MESSAGING_GRPC_URL);
  const store = createNotificationStore(db);
  const hub = createLiveHub(broker, names, logger);

  const deps: NotificationDependencies = {
    store,
    hub,
    sharedWith: sharedConversationsVia(messaging, timeoutMs),
    heartbeatSeconds: config.STREAM_HEARTBEAT_SECONDS,
  };

  const consumer = startEventConsumer({
    broker,
    db,
    names,
    consumer: "notification",
    eventTypes: ["message.sent", "user.registered", "user.logged_in"],
    prefetch: config.CONSUMER_PREFETCH,
    maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
    logger,
    // A conversation's messages are notified in the order they were sent.
    orderingKey: (event) =>
      event.type === "message.sent" ? event.payload.conversationId : event.payload.userId,
    handle: (event, query) => recordNotifications(store, event, query),
    afterCommit: (_event, created) => {
      for (const record of created) hub.publish(record);
    },
  });

  const grpc = createGrpcServer(
    [
      service(notificationV1.NotificationServiceService, notificationHandlers(deps), {
        authenticate: bearerAuthentication(
          verifierFromAuth(auth, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, timeoutMs }),
        ),
      }),
    ],
    logger,
  );
  const admin = createAdminServer({
    checks: [
      { name: "database", check: () => db.ping() },
      { name: "broker", check: async () => brokerConnected(broker), critical: false },
    ],
    logger,
  });
  const grpcPort = await grpc.start(config.GRPC_PORT);
  const adminPort = await admin.start(config.ADMIN_PORT);

  return {
    grpcPort,
    adminPort,
    async stop() {
      admin.markDraining();
      await consumer.stop();
      await grpc.stop();
      await broker.close();
      auth.close();
      messaging.close();
      await db.close();
      await admin.stop();
    },
  };
}
