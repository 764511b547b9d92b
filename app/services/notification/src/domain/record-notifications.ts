import type { Query } from "@parley/database";
import type { ReceivedEvent } from "@parley/event-bus";
import type { NotificationStore } from "../data-access/notification-store";
import type { NotificationRecord } from "../data-access/records";
import { notificationsFor } from "./notifications-for";

/** Consumer step: stores a batch of events' notifications in the consumer's transaction. */
export function recordNotifications(
  store: NotificationStore,
  events: ReceivedEvent[],
  query: Query,
): Promise<NotificationRecord[][]> {
  return store.insert(
    query,
    events.map((event) => ({
      source: { eventId: event.id, occurredAt: event.occurredAt, traceContext: event.traceContext },
      items: notificationsFor(event),
    })),
  );
}
