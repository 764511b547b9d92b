import type { Server } from "node:http";
import { createLogger } from "@parley/logger";
import { z } from "zod";
import { createHttpApp } from "./http-server";
import { route } from "./route";

const logger = createLogger({ service: "test", level: "silent" });

describe("the HTTP app's answers to requests it cannot read", () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    const app = createHttpApp({
      routes: [
        route({
          method: "get",
          path: "/v1/things/:thingId",
          operationId: "getThing",
          summary: "A thing",
          tag: "things",
          authenticated: false,
          params: z.strictObject({ thingId: z.uuid() }),
          responses: { 200: { description: "The thing." } },
          handle: async () => ({ status: 200, body: {} }),
        }),
      ],
      openapi: {},
      authenticate: () => Promise.reject(new Error("not used")),
      logger,
      trustProxy: "false",
      rateLimits: { authPerMinute: 1000, perMinute: 1000 },
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
});
