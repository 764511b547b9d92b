import { ConfigError } from "@parley/config";
import { type Logger, createLogger } from "@parley/logger";
import { initMetrics } from "@parley/metrics";
import { shutdownTelemetry } from "@parley/telemetry";

export interface Stoppable {
  /** Stops accepting work, drains what is in flight, releases connections. */
  stop(): Promise<void>;
}

/** A command with a configuration of its own, not the service's. */
export interface OwnCommand<Config extends { LOG_LEVEL: string }> {
  loadConfig(): Config;
  run(config: Config, logger: Logger): Promise<void>;
}

export interface MainOptions<
  Config extends { LOG_LEVEL: string },
  ProvisionConfig extends { LOG_LEVEL: string } = { LOG_LEVEL: string },
> {
  service: string;
  loadConfig(): Config;
  /** `serve` is the default command; a service that owns tables adds `migrate`. */
  commands: {
    serve(config: Config, logger: Logger): Promise<Stoppable>;
    migrate?(config: Config, logger: Logger): Promise<void>;
  };
  /** `provision`, for a service that owns data: creates its database roles and broker user. */
  provision?: OwnCommand<ProvisionConfig>;
  /** How long a graceful stop may take before the process exits anyway. */
  stopTimeoutMs?: number;
}

/** Exit codes from sysexits.h, so supervisors can tell bad usage and bad configuration apart. */
const EXIT_USAGE = 64;
const EXIT_CONFIG = 78;

/**
 * The process entry point of a service. Bad configuration stops it with a message naming the
 * variables; SIGTERM or SIGINT stop it gracefully; an error nobody handled is a bug, logged as
 * fatal before the process exits (the orchestrator restarts it).
 */
export function runMain<
  Config extends { LOG_LEVEL: string },
  ProvisionConfig extends { LOG_LEVEL: string } = { LOG_LEVEL: string },
>(options: MainOptions<Config, ProvisionConfig>): void {
  const { service, commands, stopTimeoutMs = 25_000 } = options;
  const command = process.argv[2] ?? "serve";
  const known = [...Object.keys(commands), ...(options.provision ? ["provision"] : [])];
  if (!known.includes(command)) {
    process.stderr.write(`${service}: unknown command "${command}"; use ${known.join(" or ")}\n`);
    process.exit(EXIT_USAGE);
  }

  const configured = <C>(load: () => C): C => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
  };
  const logging = (level: string) => {
    const logger = createLogger({ service, level });
    const die = (kind: string) => (error: unknown) => {
      logger.fatal({ err: error }, kind);
      process.exit(1);
    };
    process.on("uncaughtException", die("uncaught exception"));
    process.on("unhandledRejection", die("unhandled promise rejection"));
    return { logger, die };
  };

  if (command === "provision") {
    const provision = options.provision!;
    const config = configured(() => provision.loadConfig());
    const { logger, die } = logging(config.LOG_LEVEL);
    void provision.run(config, logger).then(() => process.exit(0), die("provisioning failed"));
    return;
  }

  const config = configured(options.loadConfig);
  const { logger, die } = logging(config.LOG_LEVEL);
  initMetrics(service);

  if (command === "migrate") {
    void commands.migrate!(config, logger).then(() => process.exit(0), die("migration failed"));
    return;
  }

  void commands.serve(config, logger).then((running) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, "second signal; exiting now");
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, "shutting down");
      setTimeout(() => {
        logger.error({ stopTimeoutMs }, "graceful shutdown took too long; exiting");
        process.exit(1);
      }, stopTimeoutMs).unref();
      running
        .stop()
        .then(() => shutdownTelemetry())
        .then(() => {
          logger.info("stopped");
          process.exit(0);
        }, die("shutdown failed"));
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  }, die("start-up failed"));
}
