// Tracing first: it must be in place before any module it instruments is loaded.
import "@parley/telemetry/register";
import { loadConfig } from "@parley/config";
import { runMain } from "@parley/lifecycle";
import { migrateNotification, startNotification } from "./app";
import { notificationConfigShape } from "./config";

runMain({
  service: "notification",
  loadConfig: () => loadConfig(notificationConfigShape),
  commands: { serve: startNotification, migrate: migrateNotification },
  provision: { schema: "notification", broker: { consumer: "notification" } },
});
