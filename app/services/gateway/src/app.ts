import type { Server } from "node:http";
import { createAdminServer } from "@parley/admin-http";
import { callUnary, healthProbe } from "@parley/grpc";
import type { Stoppable } from "@parley/lifecycle";
import type { Logger } from "@parley/logger";
import { createMetricsRegistry } from "@parley/metrics";
import type { GatewayConfig } from "./config";
import { createHttpApp } from "./entry-points/http/http-server";
import { buildOpenApiDocument } from "./entry-points/http/openapi";
import { apiRoutes } from "./entry-points/http/routes";
import { createAuthClient, createVerifier } from "./upstream/auth-client";
import { createSessionChecker } from "./upstream/session-checker";

export interface RunningGateway extends Stoppable {
  httpPort: number;
  adminPort: number;
}

export const API_VERSION = "1.0.0";

/** Starts the gateway: gRPC clients, the public HTTP API and the admin endpoints. */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const timeoutMs = config.GRPC_DEADLINE_MS;
  const auth = createAuthClient(config.AUTH_GRPC_URL);
  const verifier = createVerifier(auth, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    timeoutMs,
  });
  const sessions = createSessionChecker(
    (accessToken) => callUnary(auth, "verifyToken", { accessToken }, { timeoutMs }),
    config.SESSION_CHECK_CACHE_SECONDS,
  );

  const routes = apiRoutes({ auth, sessions, timeoutMs });
  const app = createHttpApp({
    routes,
    openapi: buildOpenApiDocument(routes, API_VERSION),
    authenticate: async (accessToken) => {
      const claims = await verifier.verify(accessToken);
      await sessions.check(claims.sessionId, accessToken!);
      return { userId: claims.userId, sessionId: claims.sessionId, accessToken: accessToken! };
    },
    logger,
    trustProxy: config.TRUST_PROXY,
    rateLimits: { authPerMinute: config.RATE_LIMIT_AUTH_PER_MINUTE, perMinute: config.RATE_LIMIT_PER_MINUTE },
  });

  const authHealth = healthProbe(config.AUTH_GRPC_URL);
  const admin = createAdminServer({
    registry: createMetricsRegistry(),
    checks: [{ name: "auth", check: () => authHealth.check() }],
    logger,
  });

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.HTTP_PORT, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  const address = server.address();
  const httpPort = typeof address === "object" && address ? address.port : config.HTTP_PORT;
  logger.info({ port: httpPort }, "HTTP server listening");
  const adminPort = await admin.start(config.ADMIN_PORT);

  return {
    httpPort,
    adminPort,
    async stop() {
      admin.markDraining();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      auth.close();
      authHealth.close();
      await admin.stop();
    },
  };
}
