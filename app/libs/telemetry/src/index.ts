export { shutdownTelemetry, tracingEnabled } from "./sdk";
export { contextFrom, currentTraceContext, inSpan, tracer } from "./trace-context";
