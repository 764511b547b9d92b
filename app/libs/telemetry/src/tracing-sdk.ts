import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, sep } from "node:path";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { AmqplibInstrumentation } from "@opentelemetry/instrumentation-amqplib";
import { ExpressInstrumentation } from "@opentelemetry/instrumentation-express";
import { GrpcInstrumentation } from "@opentelemetry/instrumentation-grpc";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { PinoInstrumentation } from "@opentelemetry/instrumentation-pino";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { CurrentSemconvProcessor } from "./current-semconv";

const ADMIN_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** The service a process runs, from its entry point `app/services/<name>/dist/main.js`. */
function serviceOfEntry(): { name: string; version: string } {
  const entry = process.argv[1] ?? "";
  const match = new RegExp(`services\\${sep}([a-z-]+)\\${sep}dist`).exec(entry);
  const name = match?.[1] ?? "unknown";
  try {
    const packageJson = JSON.parse(readFileSync(join(entry, "..", "..", "package.json"), "utf8")) as {
      version?: string;
    };
    return { name, version: packageJson.version ?? "0.0.0" };
  } catch {
    return { name, version: "0.0.0" };
  }
}

function traceExporter(env: NodeJS.ProcessEnv) {
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf";
  // OTLP over gRPC is left out on purpose: its exporter loads @grpc/grpc-js before the gRPC
  // instrumentation can patch it, silently losing every gRPC span.
  return protocol === "http/json" ? new JsonTraceExporter() : new ProtobufTraceExporter();
}

/** Builds and starts the SDK; loaded only when tracing is on, so a process without it loads none of this. */
export function startSdk(env: NodeJS.ProcessEnv): NodeSDK {
  // Prometheus scrapes the metrics and the collector's agent reads the logs from standard output:
  // the SDK pushes neither unless a variable asks for it (the collector would answer 404).
  env.OTEL_METRICS_EXPORTER ??= "none";
  env.OTEL_LOGS_EXPORTER ??= "none";
  // Each instrumentation installs its require hook when constructed. The SDK package itself loads
  // @grpc/grpc-js (for exporters we do not use), so it is required only after these exist.
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => ADMIN_PATHS.has((request.url ?? "").split("?")[0]!),
    }),
    new ExpressInstrumentation(),
    new GrpcInstrumentation({ ignoreGrpcMethods: ["Check", "Watch"] }),
    new PgInstrumentation({ requireParentSpan: true }),
    new AmqplibInstrumentation({ useLinksForConsume: env.PARLEY_TRACE_CONSUMER_LINKS === "true" }),
    new PinoInstrumentation(),
  ];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { NodeSDK: Sdk } = require("@opentelemetry/sdk-node") as { NodeSDK: typeof NodeSDK };

  const service = serviceOfEntry();
  const sdk = new Sdk({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? service.name,
      [ATTR_SERVICE_VERSION]: service.version,
      "service.namespace": "parley",
      "service.instance.id": env.K8S_POD_NAME ?? `${hostname()}-${process.pid}`,
      "deployment.environment.name": env.DEPLOYMENT_ENVIRONMENT ?? "local",
    }),
    spanProcessors: [new CurrentSemconvProcessor(), new BatchSpanProcessor(traceExporter(env))],
    instrumentations,
  });
  sdk.start();
  return sdk;
}
