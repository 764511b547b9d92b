import { type Context, SpanKind } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** The amqplib instrumentation's operation values, as `messaging.operation.type` names them. */
const OPERATION_TYPES: Record<string, string> = {
  publish: "send",
  send: "send",
  process: "process",
  receive: "receive",
};

/**
 * Adds the current semantic-convention attributes where an instrumentation still writes the old
 * ones (amqplib: `messaging.destination`, `messaging.operation`; gRPC: `rpc.system`), at span start,
 * so that span metrics, service graphs and queries can use the current names. The old attributes
 * stay for dashboards that read them.
 */
export class CurrentSemconvProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    const attributes = span.attributes;
    const destination = attributes["messaging.destination"];
    if (typeof destination === "string" && attributes["messaging.destination.name"] === undefined)
      span.setAttribute("messaging.destination.name", destination);
    if (attributes["messaging.system"] === "rabbitmq") {
      const operation = attributes["messaging.operation"];
      const type = typeof operation === "string" ? OPERATION_TYPES[operation] : undefined;
      span.setAttribute(
        "messaging.operation.type",
        type ?? (span.kind === SpanKind.PRODUCER ? "send" : "process"),
      );
      const routingKey = attributes["messaging.rabbitmq.routing_key"];
      if (typeof routingKey === "string")
        span.setAttribute("messaging.rabbitmq.destination.routing_key", routingKey);
    }
    // The gRPC instrumentation adds its attributes after start, but names its spans
    // `grpc.<package.Service>/<Method>` from the first.
    const rpcSystem = attributes["rpc.system"] ?? (span.name.startsWith("grpc.") ? "grpc" : undefined);
    if (typeof rpcSystem === "string" && attributes["rpc.system.name"] === undefined)
      span.setAttribute("rpc.system.name", rpcSystem);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
