import { resolve } from "node:path";
import type { Shape } from "./population";

export interface Settings {
  mode: "full" | "quick";
  /** A running gateway to measure instead of starting the platform. */
  url: string | undefined;
  shape: Shape;
  /** The ramp: first rate, factor between steps, most steps, and each step's length. */
  startRate: number;
  stepFactor: number;
  maxSteps: number;
  stepMs: number;
  /** Steps halfway between the last rate that kept up and the first that fell behind. */
  refineSteps: number;
  /** The measured window at the highest good rate, and the one at half of it. */
  holdMs: number;
  halfMs: number;
  /** How long a phase's deliveries may take after its last send before they count as behind. */
  drainMs: number;
  /** A step whose p99 send-to-delivery latency is above this has fallen behind. */
  behindP99Ms: number;
  baselineMs: number;
  /** The messaging service's connection pool, also the PostgreSQL baseline's. */
  poolSize: number;
  /** Concurrent callers of the gateway baseline. */
  gatewayWorkers: number;
  outDir: string;
  /** Options for node in every service process (`--cpu-prof` adds its own). */
  nodeArgs: string[];
  /** Where the services write CPU profiles (`node --cpu-prof`), when asked for. */
  cpuProfileDir: string | undefined;
}

type Profile = Omit<Settings, "url" | "outDir" | "cpuProfileDir" | "nodeArgs">;

const full: Profile = {
  mode: "full",
  shape: { directPairs: 8, groups: 2, groupSize: 5 },
  startRate: 20,
  stepFactor: 1.3,
  maxSteps: 20,
  stepMs: 10_000,
  refineSteps: 2,
  holdMs: 30_000,
  halfMs: 15_000,
  drainMs: 5000,
  behindP99Ms: 1000,
  baselineMs: 10_000,
  poolSize: 10,
  gatewayWorkers: 32,
};

const quick: Profile = {
  ...full,
  mode: "quick",
  shape: { directPairs: 2, groups: 1, groupSize: 3 },
  startRate: 10,
  stepFactor: 2,
  maxSteps: 3,
  stepMs: 3000,
  refineSteps: 0,
  holdMs: 4000,
  halfMs: 3000,
  drainMs: 3000,
  baselineMs: 2000,
  gatewayWorkers: 8,
};

export const usage = `npm run bench [-- options]

Starts the platform (like npm start, on free ports, in schemas and a broker namespace of its own),
steps an open-loop send rate up until delivery falls behind or errors appear, holds the highest
good rate, runs at half of it, then measures PostgreSQL, RabbitMQ and the gateway alone on the
same machine. Prints the tables and writes them as JSON and Markdown.

  --quick              a short run that proves the benchmark works (CI runs it); figures are rough
  --url <gateway>      measure a running gateway instead of starting one (no process figures)
  --direct <n>         direct conversations (default ${full.shape.directPairs}, quick ${quick.shape.directPairs})
  --groups <n>         group conversations (default ${full.shape.groups}, quick ${quick.shape.groups})
  --group-size <n>     members per group, creator included (default ${full.shape.groupSize})
  --start-rate <n>     first step, sends per second (default ${full.startRate}, quick ${quick.startRate})
  --out <dir>          where results go (default .local/bench)
  --cpu-prof <dir>     the services write CPU profiles (node --cpu-prof) into <dir> when they stop
  --node-args "<opts>" options for node in every service, e.g. "--max-old-space-size=96"
  --help               this text`;

export class UsageError extends Error {}

/** The settings for a command line; throws UsageError with the reason when it is not valid. */
export function parseArguments(args: readonly string[], repositoryRoot: string): Settings | "help" {
  if (args.includes("--help")) return "help";
  const base = args.includes("--quick") ? quick : full;
  const settings: Settings = {
    ...base,
    shape: { ...base.shape },
    url: undefined,
    cpuProfileDir: undefined,
    nodeArgs: [],
    outDir: `${repositoryRoot}/.local/bench`,
  };
  const integer = (flag: string, value: string | undefined, min: number, max: number) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max)
      throw new UsageError(
        `${flag} needs a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    return number;
  };
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i]!;
    if (flag === "--quick") continue;
    const value = args[i + 1];
    i += 1;
    if (flag === "--url") {
      if (!value || !/^https?:\/\/[^/]+\/?$/.test(value))
        throw new UsageError(
          `--url needs the gateway's base URL (http://host:port), got ${JSON.stringify(value)}`,
        );
      settings.url = value.replace(/\/$/, "");
    } else if (flag === "--direct") settings.shape.directPairs = integer(flag, value, 0, 500);
    else if (flag === "--groups") settings.shape.groups = integer(flag, value, 0, 100);
    else if (flag === "--group-size") settings.shape.groupSize = integer(flag, value, 2, 100);
    else if (flag === "--start-rate") settings.startRate = integer(flag, value, 1, 100_000);
    else if (flag === "--out") {
      if (!value) throw new UsageError("--out needs a folder");
      settings.outDir = value;
    } else if (flag === "--cpu-prof") {
      if (!value) throw new UsageError("--cpu-prof needs a folder");
      settings.cpuProfileDir = resolve(value);
    } else if (flag === "--node-args") {
      if (!value?.startsWith("--"))
        throw new UsageError('--node-args needs node options, e.g. "--max-old-space-size=96"');
      settings.nodeArgs = value.split(/\s+/).filter(Boolean);
    } else throw new UsageError(`unknown option ${flag}`);
  }
  if (settings.url && (settings.cpuProfileDir || settings.nodeArgs.length))
    throw new UsageError(
      "--cpu-prof and --node-args apply to the platform the benchmark starts, not to --url",
    );
  if (settings.shape.directPairs + settings.shape.groups === 0)
    throw new UsageError("at least one conversation is needed (--direct or --groups above 0)");
  return settings;
}
