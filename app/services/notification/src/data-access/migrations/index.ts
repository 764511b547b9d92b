import { CreateProcessedEvents1732600000001 } from "@parley/event-bus";
import { CreateNotificationTables1732700000000 } from "./1732700000000-create-notification-tables";
import { AddNotificationTraceContext1732800000000 } from "./1732800000000-add-notification-trace-context";

/** Every migration of the notification schema, oldest first. */
export const notificationMigrations = [
  CreateProcessedEvents1732600000001,
  CreateNotificationTables1732700000000,
  AddNotificationTraceContext1732800000000,
];
