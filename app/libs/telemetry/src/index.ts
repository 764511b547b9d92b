export { shutdownTelemetry } from "./sdk";
export { currentTraceContext, inSpan } from "./trace-context";
