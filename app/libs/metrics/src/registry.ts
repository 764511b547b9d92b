import { Registry, collectDefaultMetrics } from "prom-client";

/** A registry holding the Node.js runtime metrics; each service adds its own instruments to it. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
