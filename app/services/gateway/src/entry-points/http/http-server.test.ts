import type { Server } from "node:http";
import { AppError } from "@parley/errors";
import { createLogger } from "@parley/logger";
import { z } from "zod";
import { createHttpApp } from "./http-server";
import { route } from "./route";

const logger = createLogger({ service: "test", level: "silent" });

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
});
