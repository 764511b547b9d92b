import type { ServiceDatabase } from "@parley/database";
import { type BrokerConnection, type TopologyNames, startEventConsumer } from "@parley/event-bus";
import type { Logger } from "@parley/logger";
import type { LiveHub } from "../../broker/live-hub";
import type { NotificationConfig } from "../../config";
import type { NotificationStore } from "../../data-access/notification-store";
import { recordNotifications } from "../../domain/record-notifications";

/**
 * Notification's intake from the broker: each batch of events becomes the notifications they call
 * for, in one transaction with their deduplication, and each one goes live after the commit.
 */
export function consumeEvents(parts: {
  broker: BrokerConnection;
  db: ServiceDatabase;
  names: TopologyNames;
  config: Pick<NotificationConfig, "CONSUMER_PREFETCH" | "CONSUMER_MAX_ATTEMPTS">;
  store: NotificationStore;
  hub: LiveHub;
  logger: Logger;
}) {
  const { store, hub, config } = parts;
  return startEventConsumer({
    broker: parts.broker,
    db: parts.db,
    names: parts.names,
    consumer: "notification",
    eventTypes: ["message.sent", "user.registered", "user.logged_in"],
    prefetch: config.CONSUMER_PREFETCH,
    maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
    logger: parts.logger,
    handle: (events, query) => recordNotifications(store, events, query),
    afterCommit: (_event, created) => {
      for (const record of created) hub.publish(record);
    },
  });
}
