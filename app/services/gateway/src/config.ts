import { commonVariables, env } from "@parley/config";
import { z } from "zod";

/** The gateway's environment variables (documented in the root README). */
export const gatewayConfigShape = {
  ...commonVariables,
  HTTP_PORT: env.port(8080),
  AUTH_GRPC_URL: env.address(),
  MESSAGING_GRPC_URL: env.address(),
  NOTIFICATION_GRPC_URL: env.address(),
  SSE_HEARTBEAT_SECONDS: env.integer(1, 300, 15),
  GRPC_DEADLINE_MS: env.integer(100, 60_000, 5000),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d+|[0-9a-fA-F.:/, ]+)$/, "must be true, false, a hop count or a list of addresses")
    .default("false"),
  RATE_LIMIT_AUTH_PER_MINUTE: env.integer(1, 1_000_000, 30),
  RATE_LIMIT_PER_MINUTE: env.integer(1, 10_000_000, 1200),
  SESSION_CHECK_CACHE_SECONDS: env.integer(0, 300, 5),
  /** The web client's build; the default is app/web/dist beside the built gateway. */
  WEB_ROOT: z.string().min(1).optional(),
};

export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;
