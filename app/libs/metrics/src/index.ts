export { createMetricsRegistry } from "./registry";
