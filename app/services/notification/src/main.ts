import { loadConfig } from "@parley/config";
import { runMain } from "@parley/lifecycle";
import { migrateNotification, startNotification } from "./app";
import { notificationConfigShape } from "./config";

runMain({
  service: "notification",
  loadConfig: () => loadConfig(notificationConfigShape),
  commands: { serve: startNotification, migrate: migrateNotification },
});
