import { status } from "@grpc/grpc-js";
import { grpcClientMetrics, grpcServerMetrics, traceExemplar } from "@parley/metrics";

/** `/parley.auth.v1.AuthService/Register` → service and method labels. */
function labelsOf(path: string, code: number) {
  const [, service = "unknown", method = "unknown"] = path.split("/");
  return { grpc_service: service, grpc_method: method, grpc_code: status[code] ?? String(code) };
}

/** Records one finished call on the server or client side (duration from `started`, in hrtime). */
export function recordCall(side: "server" | "client", path: string, code: number, started: bigint): number {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const labels = labelsOf(path, code);
  const { handled, duration } = side === "server" ? grpcServerMetrics() : grpcClientMetrics();
  handled.inc(labels);
  duration.observe({ labels, value: seconds, exemplarLabels: traceExemplar() });
  return seconds;
}
