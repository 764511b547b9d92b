// Tracing first: it must be in place before any module it instruments is loaded.
import "@parley/telemetry/register";
import { loadConfig } from "@parley/config";
import { runMain } from "@parley/lifecycle";
import { dataServiceCommands } from "@parley/provisioning";
import { migrateNotification, startNotification } from "./app";
import { notificationConfigShape } from "./config";

runMain({
  service: "notification",
  loadConfig: () => loadConfig(notificationConfigShape),
  serve: startNotification,
  ...dataServiceCommands("notification", { consumer: "notification" }, migrateNotification),
});
