import { ConfigError } from "@parley/config";
import { type Logger, createLogger } from "@parley/logger";
import { initMetrics } from "@parley/metrics";
import { shutdownTelemetry } from "@parley/telemetry";

export interface Stoppable {
  /** Stops accepting work, drains what is in flight, releases connections. */
  stop(): Promise<void>;
}

type AnyConfig = { LOG_LEVEL: string };

/**
 * A command with a configuration of its own, not the service's: loading it may throw a
 * ConfigError; what it returns runs the command.
 */
export type OwnCommand = () => { logLevel: string; run(logger: Logger): Promise<void> };

/** An OwnCommand from a configuration loader and what runs with that configuration. */
export const ownCommand =
  <C extends AnyConfig>(loadConfig: () => C, run: (config: C, logger: Logger) => Promise<void>): OwnCommand =>
  () => {
    const config = loadConfig();
    return { logLevel: config.LOG_LEVEL, run: (logger) => run(config, logger) };
  };

export interface MainOptions<Config extends AnyConfig> {
  service: string;
  /** The configuration of `serve`, the default command. */
  loadConfig(): Config;
  serve(config: Config, logger: Logger): Promise<Stoppable>;
  /**
   * The commands of a service that owns data, each with only the configuration it needs (a
   * migration Job gets the migration role and nothing else): `migrate` applies pending migrations,
   * `provision` creates the database roles and broker user.
   */
  migrate?: OwnCommand;
  provision?: OwnCommand;
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
export function runMain<Config extends AnyConfig>(options: MainOptions<Config>): void {
  const { service, stopTimeoutMs = 25_000 } = options;
  const command = process.argv[2] ?? "serve";
  const ownCommands: Record<string, OwnCommand | undefined> = {
    migrate: options.migrate,
    provision: options.provision,
  };
  const known = ["serve", ...Object.keys(ownCommands).filter((name) => ownCommands[name])];
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

  const own = ownCommands[command];
  if (own) {
    const loaded = configured(own);
    const { logger, die } = logging(loaded.logLevel);
    void loaded.run(logger).then(() => process.exit(0), die(`${command} failed`));
    return;
  }

  const config = configured(options.loadConfig);
  const { logger, die } = logging(config.LOG_LEVEL);
  initMetrics(service);

  void options.serve(config, logger).then((running) => {
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
