import { type PlatformUnderTest, eventually } from "@parley/test-support";
import { type Figures, checkInvariants, missingDeliveries } from "./invariants";
import { type Memory, heapProblems, memoryOf } from "./memory-check";
import { consumerQueues, outboxBacklog, startFaultPlatform } from "./platform";
import { table } from "./report";
import { preflight } from "./run-faults";
import { findSecretsInLogs } from "./secrets";
import { Load, type Population, createPopulation } from "./workload";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MIB = 1024 * 1024;

export interface SoakSettings {
  rate: number;
  durationMs: number;
  warmUpMs: number;
}

export const shortSoak: SoakSettings = { rate: 20, durationMs: 15_000, warmUpMs: 4000 };
export const fullSoak: SoakSettings = { rate: 25, durationMs: 180_000, warmUpMs: 15_000 };

interface Snapshot {
  memory: Map<string, Memory>;
  outbox: { messaging: number; auth: number };
  queued: number;
}

export interface SoakResult {
  figures: Figures;
  baseline: Snapshot;
  after: Snapshot;
  /** Problems: memory that did not come back, a backlog that stayed. */
  problems: string[];
  leaks: string[];
  text: string;
}

/** The platform at rest: the lowest heap and RSS seen over a few seconds (after idle GCs), backlogs. */
async function snapshot(platform: PlatformUnderTest, sampleMs: number): Promise<Snapshot> {
  const memory = new Map<string, Memory>();
  const deadline = Date.now() + sampleMs;
  do {
    for (const replica of [...platform.processes.values()].flat()) {
      const now = await memoryOf(replica.adminPort);
      const low = memory.get(replica.name);
      memory.set(replica.name, {
        heapUsed: Math.min(low?.heapUsed ?? Infinity, now.heapUsed),
        rss: Math.min(low?.rss ?? Infinity, now.rss),
      });
    }
    await sleep(500);
  } while (Date.now() < deadline);
  return { memory, outbox: await outboxBacklog(platform), queued: (await consumerQueues(platform)).ready };
}

const drain = (population: Population, load: Load, timeoutMs: number) =>
  eventually(() => missingDeliveries(population, load.records) === 0, timeoutMs, 200);

/**
 * Sends at a steady, moderate rate for a while, then checks that nothing was lost or duplicated
 * and that each process's memory and the outbox and queue backlogs came back to where they were
 * after the warm-up.
 */
export async function runSoak(
  settings: SoakSettings,
  log: (line: string) => void = () => undefined,
): Promise<SoakResult> {
  await preflight();
  const platform = await startFaultPlatform();
  let population: Population | undefined;
  try {
    population = await createPopulation(platform.gatewayUrls);
    const warmUp = new Load({
      gatewayUrls: platform.gatewayUrls,
      population,
      rate: settings.rate,
      tag: "warm",
    });
    warmUp.start();
    await sleep(settings.warmUpMs);
    await warmUp.stop();
    await drain(population, warmUp, 30_000);
    const baseline = await snapshot(platform, 4000);

    log(`soak: ${settings.rate}/s for ${settings.durationMs / 1000} s`);
    const load = new Load({
      gatewayUrls: platform.gatewayUrls,
      population,
      rate: settings.rate,
      tag: "soak",
      maxSends: Math.ceil((settings.rate * settings.durationMs) / 1000),
    });
    load.start();
    await sleep(settings.durationMs);
    await load.stop();
    await drain(population, load, 60_000);
    const after = await snapshot(platform, 6000);

    const figures = await checkInvariants({
      platform,
      population,
      records: load.records,
      scenario: "soak",
      lostConnectionsExpected: false,
      recoverySeconds: undefined,
      repeatedEventIdsBefore: 0,
      violations: [],
      notes: [],
    });
    const problems: string[] = [...figures.violations, ...heapProblems(baseline.memory, after.memory)];
    const rows: (string | number)[][] = [];
    for (const [name, before] of baseline.memory) {
      const now = after.memory.get(name)!;
      rows.push([
        name,
        (before.heapUsed / MIB).toFixed(1),
        (now.heapUsed / MIB).toFixed(1),
        (before.rss / MIB).toFixed(1),
        (now.rss / MIB).toFixed(1),
      ]);
    }
    if (after.outbox.messaging > baseline.outbox.messaging || after.outbox.auth > baseline.outbox.auth)
      problems.push(
        `outbox backlog ${JSON.stringify(after.outbox)} after, ${JSON.stringify(baseline.outbox)} before`,
      );
    if (after.queued > baseline.queued) problems.push(`${after.queued} events still queued after the soak`);
    const text = [
      `soak: ${figures.accepted} messages in ${settings.durationMs / 1000} s at ${settings.rate}/s; ` +
        `delivered ${figures.delivered}/${figures.expectedDeliveries}, lost ${figures.lost}, duplicates ${figures.duplicates}`,
      `outbox backlog (messaging/auth): ${baseline.outbox.messaging}/${baseline.outbox.auth} before, ` +
        `${after.outbox.messaging}/${after.outbox.auth} after; consumer queue: ${baseline.queued} before, ${after.queued} after`,
      table(["process", "heap MiB before", "heap MiB after", "RSS MiB before", "RSS MiB after"], rows),
      ...(problems.length ? ["problems:", ...problems.map((p) => `  ${p}`)] : []),
    ].join("\n");
    return {
      figures,
      baseline,
      after,
      problems,
      leaks: findSecretsInLogs(platform.logs, population.users),
      text,
    };
  } finally {
    if (population) for (const receiver of population.receivers.values()) await receiver.stop();
    await platform.teardown();
  }
}
