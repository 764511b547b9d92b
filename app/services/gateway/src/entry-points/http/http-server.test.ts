import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError } from "@parley/errors";
import { createLogger } from "@parley/logger";
import { z } from "zod";
import { createHttpApp } from "./http-server";
import { route } from "./route";

const logger = createLogger({ service: "test", level: "silent" });

/** A stand-in for the web client's build: index.html and one hashed asset. */
function webBuild(): string {
  const root = mkdtempSync(join(tmpdir(), "parley-web-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(
    join(root, "index.html"),
    '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>',
  );
  writeFileSync(join(root, "assets", "app-1a2b.js"), "console.log('parley');");
  return root;
}

const perMinute = 3;

describe("the HTTP app's answers to requests it cannot read or will not serve", () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    const app = createHttpApp({
      routes: [
        route({
          method: "get",
          path: "/v1/private",
          operationId: "getPrivate",
          summary: "Needs a token",
          description: "A route that only a signed-in caller reaches.",
          tag: "things",
          authenticated: true,
          rateLimit: "api",
          responses: { 200: { description: "Served." } },
          kind: "unary",
          handle: async () => ({ status: 200, body: {} }),
        }),
        route({
          method: "get",
          path: "/v1/things/:thingId",
          operationId: "getThing",
          summary: "A thing",
          description: "A route with a path parameter.",
          tag: "things",
          authenticated: false,
          rateLimit: "api",
          params: z.strictObject({ thingId: z.uuid() }),
          responses: { 200: { description: "The thing." } },
          kind: "unary",
          handle: async () => ({ status: 200, body: {} }),
        }),
      ],
      openapi: {},
      authenticate: () => Promise.reject(new AppError("unauthenticated", "Missing or invalid access token.")),
      logger,
      trustProxy: "false",
      rateLimits: { authPerMinute: 1000, perMinute },
      webRoot: webBuild(),
    });
    server = await new Promise((resolve) => {
      const listening = app.listen(0, () => resolve(listening));
    });
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(["%FF", "%E0%A4%A", "%"])(
    "when a path parameter is not valid percent-encoding (%s), then 400 as a problem document, not 500",
    async (parameter) => {
      const response = await fetch(`${baseUrl}/v1/things/${parameter}`);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(await response.json()).toMatchObject({ status: 400, code: "bad_request" });
    },
  );

  it("when requests with a refused token keep coming from one address, then they are limited like others (429, Retry-After)", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < perMinute + 2; i += 1) {
      const response = await fetch(`${baseUrl}/v1/private`, { headers: { authorization: "Bearer forged" } });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
    }
    expect(statuses).toEqual([...Array(perMinute).fill(401), 429, 429]);
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
  });

  it("when a browser opens /, then it gets the web client with a strict Content-Security-Policy, revalidated", async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("/assets/app-1a2b.js");
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).not.toContain("unsafe-inline");
    expect(response.headers.get("cache-control")).toBe("no-cache");
  });

  it("when a hashed asset is asked for, then it is cached for a year; a missing one is a 404 problem", async () => {
    const asset = await fetch(`${baseUrl}/assets/app-1a2b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const missing = await fetch(`${baseUrl}/assets/app-0000.js`);
    expect([missing.status, missing.headers.get("content-type")]).toEqual([
      404,
      expect.stringContaining("application/problem+json"),
    ]);
  });
});
