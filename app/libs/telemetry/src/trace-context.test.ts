import { SpanKind, SpanStatusCode, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { CurrentSemconvProcessor } from "./current-semconv";
import { inSpan } from "./trace-context";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  spanProcessors: [new CurrentSemconvProcessor(), new SimpleSpanProcessor(exporter)],
});

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

describe("inSpan", () => {
  it("when the work fails, then the span records the exception, has ERROR status, and the error goes on", async () => {
    await expect(
      inSpan("sse push", undefined, { "parley.notification.sequence": 7 }, async () => {
        throw new Error("socket closed");
      }),
    ).rejects.toThrow("socket closed");
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "socket closed" });
    expect(span?.events.map((event) => [event.name, event.attributes?.["exception.message"]])).toEqual([
      ["exception", "socket closed"],
    ]);
    expect(span?.attributes["parley.notification.sequence"]).toBe(7);
  });

  it("when the work succeeds, then the span is left unset (OK), of the kind asked for", async () => {
    await expect(inSpan("push", undefined, {}, async () => 42)).resolves.toBe(42);
    await inSpan("internal step", undefined, {}, async () => undefined, SpanKind.INTERNAL);
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.kind, span.status.code])).toEqual([
      ["push", SpanKind.PRODUCER, SpanStatusCode.UNSET],
      ["internal step", SpanKind.INTERNAL, SpanStatusCode.UNSET],
    ]);
  });

  it("when a trace context is carried, then the span joins that trace", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    await inSpan("push", { traceparent: `00-${traceId}-b7ad6b7169203331-01` }, {}, async () => undefined);
    expect(exporter.getFinishedSpans()[0]?.spanContext().traceId).toBe(traceId);
  });
});

describe("the current semantic conventions, added where an instrumentation writes old ones", () => {
  const tracer = () => trace.getTracer("test");

  it("when amqplib publishes or consumes, then destination name and operation type are set", () => {
    tracer()
      .startSpan("parley.events publish", {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "rabbitmq",
          "messaging.destination": "parley.events",
          "messaging.rabbitmq.routing_key": "message.sent",
        },
      })
      .end();
    tracer()
      .startSpan("parley.notification.events process", {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "rabbitmq",
          "messaging.destination": "parley.events",
          "messaging.operation": "process",
        },
      })
      .end();
    const [publish, consume] = exporter.getFinishedSpans();
    expect(publish?.attributes).toMatchObject({
      "messaging.destination.name": "parley.events",
      "messaging.operation.type": "send",
      "messaging.rabbitmq.destination.routing_key": "message.sent",
      "messaging.destination": "parley.events",
    });
    expect(consume?.attributes).toMatchObject({
      "messaging.destination.name": "parley.events",
      "messaging.operation.type": "process",
    });
  });

  it("when gRPC instruments a call, then rpc.system.name is set; other spans are left alone", () => {
    tracer()
      .startSpan("grpc.parley.messaging.v1.MessagingService/SendMessage", {
        kind: SpanKind.CLIENT,
        attributes: { "rpc.system": "grpc", "rpc.service": "parley.messaging.v1.MessagingService" },
      })
      .end();
    tracer().startSpan("grpc.parley.auth.v1.AuthService/Login", { kind: SpanKind.SERVER }).end();
    tracer()
      .startSpan("pg.query", { attributes: { "db.system": "postgresql" } })
      .end();
    const [rpc, named, query] = exporter.getFinishedSpans();
    expect(rpc?.attributes["rpc.system.name"]).toBe("grpc");
    expect(named?.attributes["rpc.system.name"]).toBe("grpc");
    expect(Object.keys(query?.attributes ?? {})).toEqual(["db.system"]);
  });
});
