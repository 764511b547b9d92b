import type { Query } from "@parley/database";
import type { ReceivedEvent } from "@parley/event-bus";
import { currentTraceContext } from "@parley/telemetry";
import type { NotificationStore } from "../data-access/notification-store";
import type { NotificationRecord } from "../data-access/records";
import { notificationsFor } from "./notifications-for";

/** Consumer step: stores the event's notifications in the consumer's transaction. */
export function recordNotifications(
  store: NotificationStore,
  event: ReceivedEvent,
  query: Query,
): Promise<NotificationRecord[]> {
  const items = notificationsFor(event);
  if (items.length === 0) return Promise.resolve([]);
  return store.insert(
    query,
    { eventId: event.id, occurredAt: event.occurredAt, traceContext: currentTraceContext() },
    items,
  );
}
