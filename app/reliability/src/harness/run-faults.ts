import { type PlatformUnderTest, eventually, postgres, rabbitmq } from "@parley/test-support";
import { type Figures, checkInvariants, missingDeliveries } from "./invariants";
import { crashedProcesses, startFaultPlatform, waitAllReady } from "./platform";
import type { Scenario } from "./scenarios";
import { findSecretsInLogs } from "./secrets";
import { Load, type Population, createPopulation } from "./workload";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long each phase of a scenario lasts, and how hard the load pushes. */
export interface FaultTimings {
  /** New messages per second, throughout. */
  rate: number;
  /** Load before the fault. */
  beforeMs: number;
  /** How long a fault that lasts by choice (a stopped broker, a dead process) is kept up. */
  outageMs: number;
  /** Load after the fault ended. */
  afterMs: number;
  /** How long delivery may take to catch up after the load stopped. */
  drainMs: number;
}

export const shortTimings: FaultTimings = {
  rate: 15,
  beforeMs: 1500,
  outageMs: 3000,
  afterMs: 1500,
  drainMs: 60_000,
};
export const fullTimings: FaultTimings = {
  rate: 40,
  beforeMs: 5000,
  outageMs: 15_000,
  afterMs: 10_000,
  drainMs: 120_000,
};

export interface FaultSuiteResult {
  rows: Figures[];
  /** Log lines of the whole run that held a password, token, refresh token or message body. */
  leaks: string[];
  /** Processes that died without being killed by a scenario. */
  crashed: string[];
}

/** Before breaking anything: the broker and the database must be up (and are started if not). */
export async function preflight(): Promise<void> {
  await postgres.ensureUp();
  await rabbitmq.ensureUp();
}

/** Whatever happened, leaves the broker and the database running as they were. */
export async function restoreServers(): Promise<void> {
  const failures: unknown[] = [];
  await rabbitmq.ensureUp().catch((error: unknown) => failures.push(error));
  await postgres.ensureUp().catch((error: unknown) => failures.push(error));
  if (failures.length) throw new AggregateError(failures, "could not restore the broker or the database");
}

async function runScenario(
  platform: PlatformUnderTest,
  population: Population,
  scenario: Scenario,
  tag: string,
  timings: FaultTimings,
  log: (line: string) => void,
): Promise<Figures> {
  const notes: string[] = [];
  const violations: string[] = [];
  const context = {
    platform,
    population,
    outageMs: timings.outageMs,
    note: (text: string) => notes.push(text),
  };
  const repeatedEventIdsBefore = [...population.receivers.values()].reduce(
    (n, r) => n + r.repeatedEventIds().length,
    0,
  );
  const load = new Load({
    gatewayUrls: platform.gatewayUrls,
    population,
    rate: timings.rate,
    tag,
    maxSends: Math.ceil(
      (timings.rate * (timings.beforeMs + timings.outageMs + timings.afterMs + 120_000)) / 1000,
    ),
  });
  log(`${scenario.name}: load at ${timings.rate}/s`);
  load.start();
  let restoreStartedAt = Date.now();
  try {
    await sleep(timings.beforeMs);
    log(`${scenario.name}: injecting the fault`);
    await scenario.inject(context);
  } catch (error) {
    violations.push(`the fault could not be injected: ${String(error)}`);
  } finally {
    restoreStartedAt = Date.now();
    log(`${scenario.name}: restoring`);
    await scenario
      .restore(context)
      .catch((error: unknown) => violations.push(`restore failed: ${String(error)}`));
    await restoreServers();
  }

  // Recovery: every service ready, and everything accepted before the fault ended delivered.
  const backlog = load.records.filter((r) => r.acceptedAt !== undefined && r.acceptedAt <= restoreStartedAt);
  const ready = await waitAllReady(platform, timings.drainMs);
  if (!ready) violations.push("not every service was ready again in time");
  const recovered = await eventually(
    () => missingDeliveries(population, backlog) === 0,
    timings.drainMs,
    100,
  );
  const recoverySeconds = recovered ? (Date.now() - restoreStartedAt) / 1000 : undefined;
  log(`${scenario.name}: ${recovered ? `recovered in ${recoverySeconds!.toFixed(1)} s` : "did not recover"}`);

  await sleep(timings.afterMs);
  await load.stop();
  await eventually(() => missingDeliveries(population, load.records) === 0, timings.drainMs, 100);
  if (scenario.verify) violations.push(...(await scenario.verify(context)));

  return checkInvariants({
    platform,
    population,
    records: load.records,
    scenario: tag,
    lostConnectionsExpected: scenario.lostConnectionsExpected ?? false,
    recoverySeconds,
    repeatedEventIdsBefore,
    violations,
    notes,
  }).then((figures) => ({ ...figures, scenario: scenario.name }));
}

/**
 * Starts a platform, drives load through it, and injects each scenario in turn, checking the
 * invariants after each. The broker and the database are always left running.
 */
export async function runFaultSuite(
  scenarios: Scenario[],
  timings: FaultTimings,
  log: (line: string) => void = () => undefined,
): Promise<FaultSuiteResult> {
  await preflight();
  let platform: PlatformUnderTest | undefined;
  let population: Population | undefined;
  try {
    platform = await startFaultPlatform();
    population = await createPopulation(platform.gatewayUrls);
    const rows: Figures[] = [];
    for (const [index, scenario] of scenarios.entries())
      rows.push(await runScenario(platform, population, scenario, `s${index + 1}`, timings, log));
    const crashed = crashedProcesses(platform);
    return { rows, leaks: findSecretsInLogs(platform.logs, population.users), crashed };
  } finally {
    await restoreServers();
    if (population) for (const receiver of population.receivers.values()) await receiver.stop();
    await platform?.teardown();
  }
}
