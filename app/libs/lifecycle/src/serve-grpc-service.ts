import { type ReadinessCheck, createAdminServer } from "@parley/admin-http";
import { type ServiceRegistration, createGrpcServer } from "@parley/grpc";
import type { Logger } from "@parley/logger";
import type { Stoppable } from "./run-main";

export interface RunningGrpcService extends Stoppable {
  grpcPort: number;
  adminPort: number;
}

/** What a service holds open: stopped (consumers, relays) or closed (connections, clients). */
export type Releasable = Stoppable | { close(): void | Promise<void> };

export interface GrpcServiceParts {
  services: ServiceRegistration[];
  checks: ReadinessCheck[];
  ports: { grpc: number; admin: number };
  /** Released in this order once the gRPC server has stopped taking calls. */
  release: Releasable[];
  logger: Logger;
}

/**
 * Opens a back-end service's gRPC and admin ports, and stops it in the one order every service
 * follows: readiness fails first so the load balancer drains it, then gRPC calls finish, then what
 * the calls used is released, and the admin port (liveness, metrics) closes last.
 */
export async function serveGrpcService(parts: GrpcServiceParts): Promise<RunningGrpcService> {
  const grpc = createGrpcServer(parts.services, parts.logger);
  const admin = createAdminServer({ checks: parts.checks, logger: parts.logger });
  const grpcPort = await grpc.start(parts.ports.grpc);
  const adminPort = await admin.start(parts.ports.admin);
  return {
    grpcPort,
    adminPort,
    async stop() {
      admin.markDraining();
      await grpc.stop();
      for (const resource of parts.release) {
        await ("stop" in resource ? resource.stop() : resource.close());
      }
      await admin.stop();
    },
  };
}
