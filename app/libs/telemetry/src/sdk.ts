import type { NodeSDK } from "@opentelemetry/sdk-node";
import type { startSdk as StartSdk } from "./tracing-sdk";

let sdk: NodeSDK | undefined;

/** Tracing is on when an OTLP endpoint is configured and the SDK is not disabled (standard OTEL_* variables). */
function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === "true" || env.OTEL_TRACES_EXPORTER === "none") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * Starts OpenTelemetry tracing when configured. Must run before any instrumented module
 * (http, express, @grpc/grpc-js, pg, amqplib, pino) is loaded: see register.ts. With tracing off
 * nothing is loaded or patched, so it costs nothing.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  if (sdk || !tracingEnabled(env)) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require("./tracing-sdk") as { startSdk: typeof StartSdk };
  sdk = startSdk(env);
}

/** Flushes and stops tracing (spans still buffered are exported). No-op when tracing is off. */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
