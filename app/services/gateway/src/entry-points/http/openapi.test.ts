import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "@parley/logger";
import Ajv2020 from "ajv/dist/2020";
import { createAuthClient, createMessagingClient, createNotificationClient } from "@parley/service-clients";
import { createSessionChecker } from "../../upstream/session-checker";
import { createHttpApp } from "./http-server";
import { buildOpenApiDocument, openapiPath } from "./openapi";
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

  it("when compared with the routes Express serves, then each documents the other exactly", () => {
    const app = createHttpApp({
      routes,
      openapi: document,
      authenticate: async () => Promise.reject(new Error("not called")),
      logger,
      trustProxy: "false",
      rateLimits: { authPerMinute: 1, perMinute: 1 },
    });
    const stack = (
      app as unknown as {
        router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
      }
    ).router.stack;
    const served = stack
      .filter((layer) => layer.route && layer.route.path !== "/openapi.json")
      .flatMap((layer) =>
        Object.keys(layer.route!.methods).map((method) => `${method} ${openapiPath(layer.route!.path)}`),
      )
      .sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
      .sort();
    expect(served).toEqual(documented);
    expect(served.length).toBeGreaterThan(0);
  });

  it("when operation ids are listed, then none repeats", () => {
    const ids = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});
