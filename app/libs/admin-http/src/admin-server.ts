import { type Server, createServer } from "node:http";
import type { Logger } from "@parley/logger";
import { registry } from "@parley/metrics";

/** A named check of a real dependency (database, broker, upstream service); rejects when not ready. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
  /**
   * False for dependencies the process can work without for a while (the broker, behind an
   * outbox): their state is reported but does not take the process out of rotation.
   */
  critical?: boolean;
}

export interface AdminServerOptions {
  checks: ReadinessCheck[];
  logger: Logger;
  checkTimeoutMs?: number;
}

export interface AdminServer {
  start(port: number, host?: string): Promise<number>;
  /** From now on /readyz answers 503 so load balancers stop sending traffic. */
  markDraining(): void;
  stop(): Promise<void>;
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `/healthz` (the process is alive), `/readyz` (its dependencies answer) and `/metrics`
 * (Prometheus, in OpenMetrics format so histograms carry trace-id exemplars) on a port that is
 * never exposed publicly.
 */
export function createAdminServer({
  checks,
  logger,
  checkTimeoutMs = 2000,
}: AdminServerOptions): AdminServer {
  let draining = false;

  async function readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const results = await Promise.all(
      checks.map(async ({ name, check, critical = true }) => {
        try {
          await withTimeout(check(), checkTimeoutMs);
          return { name, state: "ok", critical };
        } catch (error) {
          logger.warn({ check: name, err: error }, "readiness check failed");
          return { name, state: critical ? "failing" : "degraded", critical };
        }
      }),
    );
    return {
      ready: !draining && results.every(({ state, critical }) => state === "ok" || !critical),
      checks: Object.fromEntries(results.map(({ name, state }) => [name, state])),
    };
  }

  const server: Server = createServer((request, response) => {
    const send = (status: number, body: string, contentType = "application/json") => {
      response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
      response.end(body);
    };
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET") return send(405, JSON.stringify({ status: "method not allowed" }));
    if (path === "/healthz") return send(200, JSON.stringify({ status: "ok" }));
    if (path === "/readyz") {
      void readiness().then(({ ready, checks: results }) =>
        send(
          ready ? 200 : 503,
          JSON.stringify({ status: draining ? "draining" : ready ? "ready" : "not ready", checks: results }),
        ),
      );
      return;
    }
    if (path === "/metrics") {
      void registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        (error: unknown) => {
          logger.error({ err: error }, "collecting metrics failed");
          send(500, JSON.stringify({ status: "metrics unavailable" }));
        },
      );
      return;
    }
    send(404, JSON.stringify({ status: "not found" }));
  });

  return {
    start: (port, host = "0.0.0.0") =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address();
          const bound = typeof address === "object" && address ? address.port : port;
          logger.info({ port: bound }, "admin server listening");
          resolve(bound);
        });
      }),
    markDraining: () => {
      draining = true;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
