// Loaded first by every service's main.ts (or with `node --require @parley/telemetry/register`),
// before any module that OpenTelemetry instruments.
import { startTelemetry } from "./sdk";

startTelemetry();
