import { createAccessTokenVerifier } from "@parley/access-token";
import { secretFile } from "@parley/config";
import { authV1 } from "@parley/contracts";
import { type DatabaseSettings, migrateServiceDatabase, openServiceDatabase } from "@parley/database";
import { brokerConnected, createBrokerConnection, startOutboxRelay, topologyNames } from "@parley/event-bus";
import { bearerAuthentication, service } from "@parley/grpc";
import { type RunningGrpcService, serveGrpcService } from "@parley/lifecycle";
import type { Logger } from "@parley/logger";
import type { AuthConfig } from "./config";
import { createAuthStore } from "./data-access/auth-store";
import { authMigrations } from "./data-access/migrations";
import type { AuthDependencies } from "./domain/dependencies";
import { createPasswordHasher } from "./domain/password-hasher";
import { loadSigningKeys } from "./domain/signing-keys";
import { createTokenIssuer } from "./domain/token-issuer";
import { authHandlers, publicAuthMethods } from "./entry-points/grpc/auth-handlers";

export type RunningAuth = RunningGrpcService;

const schema = { migrations: authMigrations, applicationName: "parley-auth" };

/** `node dist/main.js migrate`: applies pending migrations and returns. */
export const migrateAuth = (config: DatabaseSettings, logger: Logger) =>
  migrateServiceDatabase(config, schema, logger);

/** Starts the auth service: database, keys, gRPC server, admin endpoints. */
export async function startAuth(config: AuthConfig, logger: Logger): Promise<RunningAuth> {
  const keys = await loadSigningKeys(config.AUTH_SIGNING_KEYS_DIR);
  const db = await openServiceDatabase(config, schema, logger);

  const broker = createBrokerConnection({
    url: config.AMQP_URL,
    password: config.AMQP_PASSWORD_FILE ? secretFile(config.AMQP_PASSWORD_FILE) : undefined,
    clientName: "parley-auth",
    logger,
  });
  const relay = startOutboxRelay({ db, broker, names: topologyNames(config.AMQP_NAMESPACE), logger });

  const deps: AuthDependencies = {
    store: createAuthStore(db, relay.transaction),
    hasher: createPasswordHasher(config.AUTH_PASSWORD_HASH_MEMORY_KIB),
    tokens: createTokenIssuer(keys, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      accessTokenTtlSeconds: config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: config.AUTH_REFRESH_TOKEN_TTL_SECONDS,
    }),
    verifier: createAccessTokenVerifier({
      fetchKeys: async () => keys.all.map(({ jwk }) => jwk),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    }),
    loginAttemptsPer15Min: config.AUTH_LOGIN_ATTEMPTS_PER_15_MIN,
  };

  return serveGrpcService({
    services: [
      service(authV1.AuthServiceService, authHandlers(deps, keys), {
        authenticate: bearerAuthentication(deps.verifier),
        public: publicAuthMethods,
      }),
    ],
    checks: [
      { name: "database", check: () => db.ping() },
      { name: "broker", check: async () => brokerConnected(broker), critical: false },
    ],
    ports: { grpc: config.GRPC_PORT, admin: config.ADMIN_PORT },
    release: [relay, broker, db],
    logger,
  });
}
