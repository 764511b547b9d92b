import { join } from "node:path";
import { freePort } from "./free-port";
import { repositoryRoot } from "./platform";
import { startServiceProcess } from "./service-process";

export interface LoneGateway {
  url: string;
  stop(): Promise<void>;
}

/**
 * The built gateway on its own, for what it serves without its upstreams: the OpenAPI document and
 * the API reference. Its upstreams point nowhere; calls that need them fail.
 */
export async function startLoneGateway(): Promise<LoneGateway> {
  const [httpPort, adminPort] = [await freePort(), await freePort()];
  const nowhere = "127.0.0.1:1";
  const lines: string[] = [];
  const gateway = startServiceProcess({
    name: "gateway",
    entry: join(repositoryRoot, "app", "services", "gateway", "dist", "main.js"),
    env: {
      PATH: process.env.PATH ?? "",
      HTTP_PORT: String(httpPort),
      ADMIN_PORT: String(adminPort),
      AUTH_GRPC_URL: nowhere,
      MESSAGING_GRPC_URL: nowhere,
      NOTIFICATION_GRPC_URL: nowhere,
      LOG_LEVEL: "error",
      OTEL_SDK_DISABLED: "true",
    },
    adminPort,
    onLine: (_name, line) => lines.push(line),
  });
  const url = `http://127.0.0.1:${httpPort}`;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const response = await fetch(`${url}/openapi.json`).catch(() => undefined);
    await response?.body?.cancel();
    if (response?.status === 200) return { url, stop: async () => void (await gateway.stop()) };
    if (gateway.child.exitCode !== null)
      throw new Error(`the gateway exited with ${gateway.child.exitCode}:\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await gateway.stop();
  throw new Error("the gateway did not serve /openapi.json within 20 s");
}

/** The OpenAPI document the built gateway serves. */
export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
  const gateway = await startLoneGateway();
  try {
    return (await (await fetch(`${gateway.url}/openapi.json`)).json()) as Record<string, unknown>;
  } finally {
    await gateway.stop();
  }
}
