import { loadConfig } from "@parley/config";
import { runMain } from "@parley/lifecycle";
import { startGateway } from "./app";
import { gatewayConfigShape } from "./config";

runMain({
  service: "gateway",
  loadConfig: () => loadConfig(gatewayConfigShape),
  commands: { serve: startGateway },
});
