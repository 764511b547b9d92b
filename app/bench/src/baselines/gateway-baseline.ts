import type { ApiClient } from "@parley/api-client";
import { errorKind } from "../http-load";
import { runClosedLoop } from "../open-loop";
import { countInto, summarize } from "../statistics";
import type { ThroughputResult } from "./postgres-baseline";

/**
 * The gateway alone: `GET /v1/ping`, an authenticated request whose only upstream work is one
 * gRPC health check, from `workers` callers back to back.
 */
export async function gatewayBaseline(options: {
  /** Clients signed in as different users. */
  clients: ApiClient[];
  workers: number;
  durationMs: number;
}): Promise<ThroughputResult & { errorKinds: Record<string, number> }> {
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let counter = 0;
  const started = performance.now();
  await runClosedLoop(options.workers, options.durationMs, async () => {
    const client = options.clients[counter++ % options.clients.length]!;
    const begun = performance.now();
    try {
      const { response } = await client.GET("/v1/ping");
      if (response.status === 200) latencies.push(performance.now() - begun);
      else countInto(errorKinds, errorKind(response));
    } catch (error) {
      countInto(errorKinds, errorKind(error as Error));
    }
  });
  const elapsedS = (performance.now() - started) / 1000;
  const errors = Object.values(errorKinds).reduce((sum, n) => sum + n, 0);
  return { perSecond: latencies.length / elapsedS, latencyMs: summarize(latencies), errors, errorKinds };
}
