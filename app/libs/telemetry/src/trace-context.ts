import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from "@opentelemetry/api";

const tracer = trace.getTracer("parley");

/** The W3C trace context (traceparent, tracestate) of the active span, to carry across a hop. */
export function currentTraceContext(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs `work` in a span that continues the carried trace (a hop no instrumentation covers, such
 * as pushing a notification down a stream).
 */
export async function inSpan<T>(
  name: string,
  carrier: Record<string, string> | undefined,
  attributes: Record<string, string | number>,
  work: () => Promise<T>,
): Promise<T> {
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : context.active();
  return tracer.startActiveSpan(name, { kind: SpanKind.PRODUCER, attributes }, parent, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}
