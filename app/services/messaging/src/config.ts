import { brokerVariables, commonVariables, databaseVariables, env } from "@parley/config";
import type { z } from "zod";

/** The messaging service's environment variables (documented in the root README). */
export const messagingConfigShape = {
  ...commonVariables,
  ...databaseVariables("messaging"),
  GRPC_PORT: env.port(50051),
  ...brokerVariables,
  AUTH_GRPC_URL: env.address(),
  GRPC_DEADLINE_MS: env.integer(100, 60_000, 5000),
};

export type MessagingConfig = z.infer<z.ZodObject<typeof messagingConfigShape>>;
