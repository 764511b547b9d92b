import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from "@opentelemetry/api";

const tracer = trace.getTracer("parley");

/** The W3C trace context (traceparent, tracestate) of the active span, to carry across a hop. */
export function currentTraceContext(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs `work` in a span that continues the carried trace (a hop no instrumentation covers, such
 * as pushing a notification down a stream). `kind` says what the hop is: PRODUCER when the work
 * hands a message on to someone who reads it later (the default), INTERNAL when it is work inside
 * this process. A failure is recorded on the span (exception event, ERROR status) and rethrown.
 */
export async function inSpan<T>(
  name: string,
  carrier: Record<string, string> | undefined,
  attributes: Record<string, string | number>,
  work: () => Promise<T>,
  kind: SpanKind = SpanKind.PRODUCER,
): Promise<T> {
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : context.active();
  return tracer.startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}
