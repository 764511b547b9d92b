import { CreateProcessedEvents1732600000001 } from "@parley/event-bus";
import { CreateNotificationTables1732700000000 } from "./1732700000000-create-notification-tables";

/** Every migration of the notification schema, oldest first. */
export const notificationMigrations = [
  CreateProcessedEvents1732600000001,
  CreateNotificationTables1732700000000,
];
