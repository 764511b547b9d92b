// Tracing first: it must be in place before any module it instruments is loaded.
import "@parley/telemetry/register";
import { loadConfig } from "@parley/config";
import { runMain } from "@parley/lifecycle";
import { startGateway } from "./app";
import { gatewayConfigShape } from "./config";

runMain({
  service: "gateway",
  loadConfig: () => loadConfig(gatewayConfigShape),
  serve: startGateway,
});
