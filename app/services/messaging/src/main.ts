// Tracing first: it must be in place before any module it instruments is loaded.
import "@parley/telemetry/register";
import { loadConfig } from "@parley/config";
import { runMain } from "@parley/lifecycle";
import { dataServiceCommands } from "@parley/provisioning";
import { migrateMessaging, startMessaging } from "./app";
import { messagingConfigShape } from "./config";

runMain({
  service: "messaging",
  loadConfig: () => loadConfig(messagingConfigShape),
  serve: startMessaging,
  ...dataServiceCommands("messaging", "publisher", migrateMessaging),
});
