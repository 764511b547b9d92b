import { join } from "node:path";
import { loadConfig } from "@parley/config";
import { authV1 } from "@parley/contracts";
import { callUnary, createClient } from "@parley/grpc";
import type { Logger } from "@parley/logger";
import { testAmqpUrl, testDatabaseUrl, writeSigningKey } from "@parley/test-support";
import { type RunningAuth, startAuth } from "../app";
import { authConfigShape } from "../config";

export interface AuthUnderTest extends RunningAuth {
  /** The key auth signs with, for forging tokens that only differ in what a test changes. */
  signingKey: { kid: string; path: string };
  /** A client of its gRPC port, closed by `stop()`. */
  client: authV1.AuthServiceClient;
  /** Registers a user with a random name under `prefix` and returns their id and access token. */
  register(prefix?: string): Promise<{ id: string; username: string; token: string }>;
}

/**
 * The real auth service in-process on port 0, on the real PostgreSQL and RabbitMQ, for tests of
 * the services that call it. A cheap password hash keeps registrations fast; `env` overrides.
 */
export async function startAuthUnderTest(options: {
  schema: string;
  namespace: string;
  logger: Logger;
  /** The signing key's id (the file name auth derives it from). */
  kid?: string;
  env?: Record<string, string>;
}): Promise<AuthUnderTest> {
  const kid = options.kid ?? "test-1";
  const keysDir = await writeSigningKey(kid);
  const running = await startAuth(
    loadConfig(authConfigShape, {
      DATABASE_URL: testDatabaseUrl,
      DATABASE_SCHEMA: options.schema,
      DATABASE_POOL_SIZE: "4",
      AUTH_SIGNING_KEYS_DIR: keysDir,
      AUTH_PASSWORD_HASH_MEMORY_KIB: "8192",
      AMQP_URL: testAmqpUrl,
      AMQP_NAMESPACE: options.namespace,
      GRPC_PORT: "0",
      ADMIN_PORT: "0",
      ...options.env,
    }),
    options.logger,
  );
  const client = createClient(authV1.AuthServiceClient, `127.0.0.1:${running.grpcPort}`);
  return {
    ...running,
    signingKey: { kid, path: join(keysDir, `${kid}.pem`) },
    client,
    async register(prefix = "user") {
      const username = `${prefix}${Math.random().toString(36).slice(2, 10)}`.toLowerCase();
      const { user, tokens } = await callUnary(client, "register", {
        username,
        password: "correct horse battery",
      });
      return { id: user!.id, username, token: tokens!.accessToken };
    },
    async stop() {
      client.close();
      await running.stop();
    },
  };
}
