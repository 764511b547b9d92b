import type { EntityManager } from "@parley/database";
import type { ReceivedEvent } from "@parley/event-bus";
import type { NotificationStore } from "../data-access/notification-store";
import { type NotificationRecord, notificationsFor } from "./notification";

/** Consumer step: stores the event's notifications in the consumer's transaction. */
export function recordNotifications(
  store: NotificationStore,
  event: ReceivedEvent,
  manager: EntityManager,
): Promise<NotificationRecord[]> {
  const items = notificationsFor(event);
  return items.length ? store.insert(manager, event.id, event.occurredAt, items) : Promise.resolve([]);
}
