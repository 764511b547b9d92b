import { Agent, request } from "node:http";

/** Keep-alive connections, many at once: an open loop must not queue behind a small socket pool. */
const agent = new Agent({ keepAlive: true, maxSockets: 512 });

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * One HTTP request with a bare `node:http` client (cheaper per request than fetch, so the load
 * generator takes less of the CPU the platform runs on).
 */
export function httpRequest(
  url: string,
  options: { method: "GET" | "POST"; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: options.method, headers: options.headers, agent, timeout: options.timeoutMs },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.on("error", reject);
      },
    );
    outgoing.on("timeout", () =>
      outgoing.destroy(Object.assign(new Error("timed out"), { code: "TIMEOUT" })),
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

/** What went wrong with a request, as a short key for the error table. */
export function errorKind(outcome: { status: number } | Error): string {
  if (!(outcome instanceof Error)) return `http ${outcome.status}`;
  const code = (outcome as NodeJS.ErrnoException).code;
  if (code === "TIMEOUT") return "timeout";
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE") return "connection";
  return `other (${code ?? outcome.message})`;
}

export const closeConnections = (): void => agent.destroy();
