import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { AppError } from "@parley/errors";
import { createLogger } from "@parley/logger";
import Ajv2020 from "ajv/dist/2020";
import { createAuthClient, createMessagingClient, createNotificationClient } from "@parley/service-clients";
import { createSessionChecker } from "../../upstream/session-checker";
import { createHttpApp } from "./http-server";
import { buildOpenApiDocument } from "./openapi";
import { apiRoutes } from "./routes";

const repositoryRoot = join(__dirname, "..", "..", "..", "..", "..", "..");

describe("the OpenAPI document", () => {
  const auth = createAuthClient("127.0.0.1:1");
  const messaging = createMessagingClient("127.0.0.1:1");
  const notification = createNotificationClient("127.0.0.1:1");
  const logger = createLogger({ service: "test", level: "silent" });
  const routes = apiRoutes({
    auth,
    messaging,
    notification,
    sessions: createSessionChecker(async () => undefined, 0),
    timeoutMs: 100,
    checkAuthHealth: async () => undefined,
    heartbeatSeconds: 15,
    logger,
  });
  const document = buildOpenApiDocument(routes, "test") as {
    paths: Record<string, Record<string, { operationId: string }>>;
  };
  afterAll(() => [auth, messaging, notification].forEach((client) => client.close()));

  it("when checked against the OpenAPI 3.1 schema, then it is valid", () => {
    const schema = JSON.parse(
      readFileSync(
        join(repositoryRoot, "node_modules/@seriousme/openapi-schema-validator/schemas/v3.1/schema.json"),
        "utf8",
      ),
    ) as object;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
  });

  it("when every documented operation and many undocumented ones are sent to Express, then exactly the documented ones are routed", async () => {
    const app = createHttpApp({
      routes,
      openapi: document,
      authenticate: async () => Promise.reject(new AppError("unauthenticated", "no token here")),
      logger,
      trustProxy: "false",
      rateLimits: { authPerMinute: 1_000_000, perMinute: 1_000_000 },
      webRoot: "/nonexistent",
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({
          method,
          pattern: new RegExp(`^${path.replace(/\{[A-Za-z]+\}/g, "[^/]+")}$`),
        })),
      );
      // What the document promises: a request is served when some documented operation's method
      // and path template match it (GET /v1/conversations/direct is getConversation with a bad id).
      const documents = (method: string, url: string) =>
        operations.some((operation) => operation.method === method && operation.pattern.test(url));
      const inventedPaths = [
        "/v1/admin",
        "/v1/users/{userId}",
        "/v1/conversations/{conversationId}/messages/{messageId}",
        "/v1/auth",
        "/v1/notifications/{notificationId}",
        "/metrics",
      ];
      const candidates = [...new Set([...Object.keys(document.paths), ...inventedPaths])].flatMap((path) =>
        ["get", "post", "put", "patch", "delete"].map((method) => `${method} ${path}`),
      );
      const routed: string[] = [];
      const expected: string[] = [];
      for (const candidate of candidates) {
        const [method, template] = candidate.split(" ") as [string, string];
        const path = template.replace(/\{[A-Za-z]+\}/g, "3f8a6f0e-2c1b-4d5e-9f7a-1b2c3d4e5f60");
        if (documents(method, path)) expected.push(candidate);
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          method: method.toUpperCase(),
          headers: { "content-type": "application/json", accept: "application/json" },
          body: method === "get" ? undefined : "{}",
          signal: AbortSignal.timeout(5_000),
        });
        const answer = response.headers.get("content-type")?.includes("json")
          ? ((await response.json()) as { code?: string })
          : (await response.body?.cancel(), {});
        if (answer.code !== "no_route" && answer.code !== "method_not_allowed") routed.push(candidate);
      }
      expect(routed.sort()).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThanOrEqual(Object.keys(document.paths).length);
      expect(candidates.length).toBeGreaterThan(expected.length * 3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("when operation ids are listed, then none repeats", () => {
    const ids = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});
