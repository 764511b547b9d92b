import { brokerVariables, commonVariables, databaseVariables, env } from "@parley/config";
import { z } from "zod";

/** The auth service's environment variables (documented in the root README). */
export const authConfigShape = {
  ...commonVariables,
  ...databaseVariables("auth"),
  GRPC_PORT: env.port(50051),
  ...brokerVariables,
  AUTH_SIGNING_KEYS_DIR: z.string().min(1),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: env.integer(60, 86_400, 900),
  AUTH_REFRESH_TOKEN_TTL_SECONDS: env.integer(3600, 31_536_000, 2_592_000),
  AUTH_PASSWORD_HASH_MEMORY_KIB: env.integer(8192, 1_048_576, 19_456),
  AUTH_LOGIN_ATTEMPTS_PER_15_MIN: env.integer(1, 10_000, 10),
};

export type AuthConfig = z.infer<z.ZodObject<typeof authConfigShape>>;
