// Tracing first: it must be in place before any module it instruments is loaded.
import "@parley/telemetry/register";
import { loadConfig } from "@parley/config";
import { runMain } from "@parley/lifecycle";
import { dataServiceCommands } from "@parley/provisioning";
import { migrateAuth, startAuth } from "./app";
import { authConfigShape } from "./config";

runMain({
  service: "auth",
  loadConfig: () => loadConfig(authConfigShape),
  serve: startAuth,
  ...dataServiceCommands("auth", "publisher", migrateAuth),
});
