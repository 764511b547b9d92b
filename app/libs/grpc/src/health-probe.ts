import { type ServiceError, credentials, makeGenericClientConstructor } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";

interface HealthClient {
  check(
    request: { service: string },
    options: { deadline: Date },
    callback: (error: ServiceError | null, response: { status: string }) => void,
  ): void;
  close(): void;
}

const HealthClientConstructor = makeGenericClientConstructor(healthService, "grpc.health.v1.Health");

/** A readiness check of an upstream gRPC server: resolves when it reports SERVING. */
export function healthProbe(address: string, timeoutMs = 1000): { check(): Promise<void>; close(): void } {
  const client = new HealthClientConstructor(
    address,
    credentials.createInsecure(),
  ) as unknown as HealthClient;
  return {
    check: () =>
      new Promise((resolve, reject) =>
        client.check({ service: "" }, { deadline: new Date(Date.now() + timeoutMs) }, (error, response) => {
          if (error) reject(error);
          else if (response.status !== "SERVING") reject(new Error(`${address} is ${response.status}`));
          else resolve();
        }),
      ),
    close: () => client.close(),
  };
}
