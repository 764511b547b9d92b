import { brokerVariables, commonVariables, databaseVariables, env } from "@parley/config";
import type { z } from "zod";

/** The notification service's environment variables (documented in the root README). */
export const notificationConfigShape = {
  ...commonVariables,
  ...databaseVariables("notification"),
  ...brokerVariables,
  GRPC_PORT: env.port(50051),
  AUTH_GRPC_URL: env.address(),
  MESSAGING_GRPC_URL: env.address(),
  GRPC_DEADLINE_MS: env.integer(100, 60_000, 5000),
  CONSUMER_PREFETCH: env.integer(1, 1000, 32),
  CONSUMER_MAX_ATTEMPTS: env.integer(1, 100, 5),
  STREAM_HEARTBEAT_SECONDS: env.integer(1, 300, 15),
};

export type NotificationConfig = z.infer<z.ZodObject<typeof notificationConfigShape>>;
