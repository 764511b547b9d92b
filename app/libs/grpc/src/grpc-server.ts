import { readFileSync } from "node:fs";
import { Server, ServerCredentials, type ServiceDefinition } from "@grpc/grpc-js";
import { loadFileDescriptorSetFromBuffer } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { descriptorSetPath } from "@parley/contracts";
import type { Logger } from "@parley/logger";
import { grpcServerMetrics } from "@parley/metrics";
import { HealthImplementation } from "grpc-health-check";
import {
  type Handlers,
  type MethodName,
  type OpenCalls,
  type ServiceAccess,
  implementService,
  serviceNameOf,
} from "./service-handlers";

export interface ServiceRegistration {
  /** Fully qualified name, e.g. `parley.auth.v1.AuthService` (the health service reports it). */
  name: string;
  definition: ServiceDefinition;
  handlers: object;
  access: ServiceAccess<string>;
}

export interface GrpcServer {
  /** Binds and starts serving; resolves with the bound port (pass 0 for any free port). */
  start(port: number, host?: string): Promise<number>;
  /**
   * Graceful stop: reports NOT_SERVING, ends open streams, lets in-flight calls finish for up to
   * `graceMs`, then cancels what is left.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Registers one service: its ts-proto definition, a promise-returning handler per method (types
 * taken from the definition), and who may call it.
 */
export function service<Definition extends ServiceDefinition, Public extends MethodName<Definition> = never>(
  definition: Definition,
  handlers: Handlers<Definition, Public>,
  access: ServiceAccess<Public>,
): ServiceRegistration {
  return { name: serviceNameOf(definition), definition, handlers, access };
}

/** A gRPC server with the standard health service and reflection next to the given services. */
export function createGrpcServer(services: ServiceRegistration[], logger: Logger): GrpcServer {
  const server = new Server({
    "grpc.max_receive_message_length": 1024 * 1024,
    "grpc.keepalive_permit_without_calls": 1,
  });
  const openCalls: OpenCalls = new Set();
  grpcServerMetrics(); // exposes the families from the start, before the first call completes
  const health = new HealthImplementation({ "": "NOT_SERVING" });
  health.addToServer(server);
  const descriptors = loadFileDescriptorSetFromBuffer(readFileSync(descriptorSetPath));
  new ReflectionService(descriptors, { services: services.map(({ name }) => name) }).addToServer(server);

  for (const { definition, handlers, access } of services) {
    server.addService(definition, implementService(definition, handlers, access, logger, openCalls));
  }

  const setStatus = (status: "SERVING" | "NOT_SERVING") => {
    health.setStatus("", status);
    for (const { name } of services) health.setStatus(name, status);
  };

  return {
    async start(port, host = "0.0.0.0") {
      const bound = await new Promise<number>((resolve, reject) =>
        server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, actual) =>
          error ? reject(error) : resolve(actual),
        ),
      );
      setStatus("SERVING");
      logger.info({ port: bound }, "gRPC server listening");
      return bound;
    },

    async stop(graceMs = 10_000) {
      setStatus("NOT_SERVING");
      for (const call of openCalls) call.abort();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn({ graceMs }, "gRPC calls still running after the grace period; cancelling them");
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
