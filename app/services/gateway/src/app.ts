import type { Server } from "node:http";
import { createAdminServer } from "@parley/admin-http";
import { callUnary, healthProbe } from "@parley/grpc";
import type { Stoppable } from "@parley/lifecycle";
import type { Logger } from "@parley/logger";
import type { GatewayConfig } from "./config";
import { createHttpApp } from "./entry-points/http/http-server";
import { defaultWebRoot } from "./entry-points/http/web-client";
import { buildOpenApiDocument } from "./entry-points/http/openapi";
import { apiRoutes } from "./entry-points/http/routes";
import {
  createAuthClient,
  createMessagingClient,
  createNotificationClient,
  verifierFromAuth,
} from "@parley/service-clients";
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
  const messaging = createMessagingClient(config.MESSAGING_GRPC_URL);
  const notification = createNotificationClient(config.NOTIFICATION_GRPC_URL);
  const verifier = verifierFromAuth(auth, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    timeoutMs,
  });
  const sessions = createSessionChecker(
    (accessToken) => callUnary(auth, "verifyToken", { accessToken }, { timeoutMs }),
    config.SESSION_CHECK_CACHE_SECONDS,
  );

  // Auth is needed by every signed-in request; the others only by their own routes.
  const probes = {
    auth: healthProbe(config.AUTH_GRPC_URL),
    messaging: healthProbe(config.MESSAGING_GRPC_URL),
    notification: healthProbe(config.NOTIFICATION_GRPC_URL),
  };
  const routes = apiRoutes({
    auth,
    messaging,
    notification,
    sessions,
    timeoutMs,
    checkAuthHealth: () => probes.auth.check(),
    heartbeatSeconds: config.SSE_HEARTBEAT_SECONDS,
    logger,
  });
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
    webRoot: config.WEB_ROOT ?? defaultWebRoot,
  });

  const admin = createAdminServer({
    checks: Object.entries(probes).map(([name, probe]) => ({
      name,
      check: () => probe.check(),
      critical: name === "auth",
    })),
    logger,
  });

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.HTTP_PORT, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  // Idle keep-alive connections outlive those of the load balancers in front (60 s on AWS ALB):
  // the side that closes first must be the client, or a request can race the close and fail.
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const httpPort = typeof address === "object" && address ? address.port : config.HTTP_PORT;
  logger.info({ port: httpPort }, "HTTP server listening");
  const adminPort = await admin.start(config.ADMIN_PORT);

  return {
    httpPort,
    adminPort,
    async stop() {
      admin.markDraining();
      // Open event streams would hold the server open forever: end them, and clients resume elsewhere.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      });
      for (const client of [auth, messaging, notification, ...Object.values(probes)]) client.close();
      await admin.stop();
    },
  };
}
