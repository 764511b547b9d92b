import { join } from "node:path";
import { freePort } from "./free-port";
import { repositoryRoot } from "./platform";
import { startServiceProcess } from "./service-process";

/**
 * The OpenAPI document the built gateway serves, from a gateway started on its own: its upstreams
 * point nowhere, since serving the document calls none of them.
 */
export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
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
  try {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const response = await fetch(`http://127.0.0.1:${httpPort}/openapi.json`).catch(() => undefined);
      if (response?.status === 200) return (await response.json()) as Record<string, unknown>;
      if (gateway.child.exitCode !== null)
        throw new Error(`the gateway exited with ${gateway.child.exitCode}:\n${lines.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the gateway did not serve /openapi.json within 20 s");
  } finally {
    await gateway.stop();
  }
}
