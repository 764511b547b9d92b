import { Agent, request } from "node:http";
import { type ApiClient, createApiClient } from "@parley/api-client";

/** Keep-alive connections, many at once: an open loop must not queue behind a small socket pool. */
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
const TIMEOUT_MS = 10_000;

/**
 * `fetch` for the API client over a bare `node:http` agent: cheaper per request than the built-in
 * fetch, so the load generator takes less of the CPU the platform runs on.
 */
export async function nodeHttpFetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
  const outgoing = new Request(input, init);
  const body = outgoing.body ? await outgoing.text() : undefined;
  return new Promise((resolve, reject) => {
    const call = request(
      outgoing.url,
      { method: outgoing.method, headers: Object.fromEntries(outgoing.headers), agent, timeout: TIMEOUT_MS },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers))
            if (typeof value === "string") headers.set(name, value);
          const status = response.statusCode ?? 0;
          const empty = status === 204 || status === 304;
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }));
        });
        response.on("error", reject);
      },
    );
    call.on("timeout", () => call.destroy(Object.assign(new Error("timed out"), { code: "TIMEOUT" })));
    call.on("error", reject);
    call.end(body);
  });
}

/** The generated API client on the bare agent, without the tests' document checks. */
export const benchClient = (gatewayUrl: string): ApiClient =>
  createApiClient({ baseUrl: gatewayUrl, fetch: nodeHttpFetch });

/** What went wrong with a request, as a short key for the error table. */
export function errorKind(outcome: { status: number } | Error): string {
  if (!(outcome instanceof Error)) return `http ${outcome.status}`;
  const code = (outcome as NodeJS.ErrnoException).code;
  if (code === "TIMEOUT") return "timeout";
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE") return "connection";
  return `other (${code ?? outcome.message})`;
}

export const closeConnections = (): void => agent.destroy();
