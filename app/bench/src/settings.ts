import { resolve } from "node:path";
import type { FanOutSettings } from "./curves/fan-out";
import type { HistorySettings } from "./curves/history";
import type { IdleStreamsSettings } from "./curves/idle-streams";
import type { Shape } from "./population";
import type { RampProfile } from "./sustained-rate";

export const CURVES = ["fanout", "streams", "history"] as const;
export type Curve = (typeof CURVES)[number];

export interface Settings extends RampProfile {
  mode: "full" | "quick";
  /** A running gateway to measure instead of starting the platform. */
  url: string | undefined;
  shape: Shape;
  /** The measured window at the highest good rate, and the one at half of it. */
  holdMs: number;
  halfMs: number;
  /** How long a phase's deliveries may take after its last send before they count as behind. */
  drainMs: number;
  baselineMs: number;
  /** The messaging service's connection pool, also the PostgreSQL baselines'. */
  poolSize: number;
  /** Concurrent callers of the gateway baseline. */
  gatewayWorkers: number;
  /** Concurrent callers of the raw substrate baseline. */
  rawCallers: number;
  /** The cost curves to run after the platform's phases. */
  curves: Curve[];
  fanOut: FanOutSettings;
  idleStreams: IdleStreamsSettings;
  history: HistorySettings;
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
  rawCallers: 32,
  curves: [...CURVES],
  fanOut: {
    groupSizes: [2, 10, 50, 200],
    startDeliveriesPerS: 100,
    ramp: { stepFactor: 1.5, maxSteps: 11, stepMs: 5000, refineSteps: 1, behindP99Ms: 1000 },
  },
  idleStreams: { counts: [1000, 5000, 20_000], recipients: 100, idleWindowHeartbeats: 2 },
  history: { messages: 100_000, pageSize: 100, edgePages: 100 },
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
  fanOut: {
    groupSizes: [2, 4, 8],
    startDeliveriesPerS: 20,
    ramp: { stepFactor: 2, maxSteps: 2, stepMs: 2000, refineSteps: 0, behindP99Ms: 1000 },
  },
  idleStreams: { counts: [20, 50, 100], recipients: 10, idleWindowHeartbeats: 0.2 },
  history: { messages: 2000, pageSize: 50, edgePages: 10 },
};

export const usage = `npm run bench [-- options]

Starts the platform as the pods run it (heap flags and heartbeats from the production manifests;
like npm start otherwise, on free ports, in schemas and a broker namespace of its own), steps an
open-loop send rate up until delivery falls behind or errors appear, holds the highest good rate,
runs at half of it, runs the cost curves, then measures the raw substrate, PostgreSQL, RabbitMQ and
the gateway alone on the same machine. Prints the tables and writes them as JSON, Markdown and one
SVG plot per curve.

  --quick              a short run that proves the benchmark works (CI runs it); figures are rough
  --url <gateway>      measure a running gateway instead of starting one (no process figures)
  --direct <n>         direct conversations (default ${full.shape.directPairs}, quick ${quick.shape.directPairs})
  --groups <n>         group conversations (default ${full.shape.groups}, quick ${quick.shape.groups})
  --group-size <n>     members per group, creator included (default ${full.shape.groupSize})
  --start-rate <n>     first step, sends per second (default ${full.startRate}, quick ${quick.startRate})
  --curves <list>      cost curves to run: any of ${CURVES.join(",")}, or all, or none (default all;
                       none with --url, which the curves cannot measure)
  --group-sizes <list> fan-out curve: members per group (default ${full.fanOut.groupSizes.join(",")}, quick ${quick.fanOut.groupSizes.join(",")})
  --streams <list>     idle-streams curve: streams held on the gateway (default ${full.idleStreams.counts.join(",")},
                       quick ${quick.idleStreams.counts.join(",")}; capped by the open-file limit, which it says)
  --history <n>        history curve: messages in the conversation paged through
                       (default ${full.history.messages}, quick ${quick.history.messages})
  --out <dir>          where results go (default .local/bench)
  --cpu-prof <dir>     the services write CPU profiles (node --cpu-prof) into <dir> when they stop
  --node-args "<opts>" options for node in every service; they win over the manifests' heap flag
                       (NODE_OPTIONS), e.g. "--max-old-space-size=96 --max-semi-space-size=4"
  --help               this text`;

export class UsageError extends Error {}

/** The settings for a command line; throws UsageError with the reason when it is not valid. */
export function parseArguments(args: readonly string[], repositoryRoot: string): Settings | "help" {
  if (args.includes("--help")) return "help";
  const base = args.includes("--quick") ? quick : full;
  const settings: Settings = {
    ...base,
    shape: { ...base.shape },
    fanOut: { ...base.fanOut },
    idleStreams: { ...base.idleStreams },
    history: { ...base.history },
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
  const list = (flag: string, value: string | undefined, min: number, max: number) => {
    const values = (value ?? "").split(",").map((item) => integer(flag, item, min, max));
    return [...new Set(values)].sort((a, b) => a - b);
  };
  let curvesAsked = false;
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
    else if (flag === "--curves") {
      curvesAsked = true;
      const names = (value ?? "").split(",");
      if (value === "all") settings.curves = [...CURVES];
      else if (value === "none") settings.curves = [];
      else if (value && names.every((name): name is Curve => (CURVES as readonly string[]).includes(name)))
        settings.curves = CURVES.filter((curve) => names.includes(curve));
      else
        throw new UsageError(
          `--curves needs all, none or a list of ${CURVES.join(", ")}; got ${JSON.stringify(value)}`,
        );
    } else if (flag === "--group-sizes") settings.fanOut.groupSizes = list(flag, value, 2, 256);
    else if (flag === "--streams") settings.idleStreams.counts = list(flag, value, 1, 1_000_000);
    else if (flag === "--history") settings.history.messages = integer(flag, value, 1, 10_000_000);
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
  if (settings.url) {
    if (curvesAsked && settings.curves.length)
      throw new UsageError(
        "the curves need the platform the benchmark starts (its processes and schema), not --url",
      );
    settings.curves = [];
  }
  if (settings.shape.directPairs + settings.shape.groups === 0)
    throw new UsageError("at least one conversation is needed (--direct or --groups above 0)");
  return settings;
}
