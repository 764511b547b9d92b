import { trace } from "@opentelemetry/api";
import { type OpenMetricsContentType, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The process's one registry. It speaks OpenMetrics, the format that carries exemplars (the trace
 * id of an observation), and which Prometheus asks for first when it scrapes.
 */
export const registry = new Registry<OpenMetricsContentType>();
registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);

let initialised = false;

/** Labels every series with the service's name and starts collecting Node.js runtime metrics. */
export function initMetrics(service: string): void {
  if (initialised) return;
  initialised = true;
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
}

/** The active span's ids as exemplar labels, when the span is sampled (so the trace exists). */
export function traceExemplar(): Record<string, string> | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || (context.traceFlags & 1) !== 1) return undefined;
  return { trace_id: context.traceId, span_id: context.spanId };
}
