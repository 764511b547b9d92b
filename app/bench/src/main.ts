import { mkdir, writeFile } from "node:fs/promises";
import { cpus, platform as osPlatform, release, totalmem } from "node:os";
import { join } from "node:path";
import { repositoryRoot } from "@parley/launcher";
import {
  type PlatformUnderTest,
  eventually,
  startPlatformUnderTest,
  testAmqpUrl,
  testDatabaseUrl,
  uniqueName,
} from "@parley/test-support";
import amqp from "amqplib";
import { Client } from "pg";
import { gatewayBaseline } from "./baselines/gateway-baseline";
import { postgresBaseline } from "./baselines/postgres-baseline";
import { rabbitMqBaseline } from "./baselines/rabbitmq-baseline";
import { DeliveryLedger, type SendRecord } from "./deliveries";
import { closeConnections } from "./http-load";
import { messageBody, messageSentPayload } from "./message-payload";
import { type PhaseContext, type PhaseResult, runPhase } from "./platform-phase";
import { createPopulation, recipientsPerSend, usersFor } from "./population";
import { ProcessSampler } from "./process-sampler";
import { rampRates, refinedRate, shortfalls } from "./ramp";
import { type BenchResult, type Machine, type Target, toMarkdown } from "./report";
import { type Settings, UsageError, parseArguments, usage } from "./settings";

const print = (text: string) => process.stdout.write(`${text}\n`);
const MB = 1_000_000;

/** Starts the platform unless a gateway URL was given; counts the services' error log lines. */
async function startPlatform(settings: Settings, onError: (line: string) => void) {
  if (settings.url) return undefined;
  return startPlatformUnderTest({
    env: {
      // The benchmark measures the platform, not its abuse limits or token expiry.
      RATE_LIMIT_PER_MINUTE: "10000000",
      RATE_LIMIT_AUTH_PER_MINUTE: "1000000",
      AUTH_ACCESS_TOKEN_TTL_SECONDS: "7200",
      DATABASE_POOL_SIZE: String(settings.poolSize),
    },
    nodeArgs: [
      ...settings.nodeArgs,
      ...(settings.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${settings.cpuProfileDir}`] : []),
    ],
    onLine: (name, line) => {
      // Errors, fatal errors, and anything that is not a log record (a configuration refusal).
      if (/"level":"(error|fatal)"/.test(line) || !line.startsWith("{"))
        onError(`${name}: ${line.slice(0, 400)}`);
    },
  });
}

async function machine(): Promise<Machine> {
  const client = new Client({ connectionString: testDatabaseUrl });
  await client.connect();
  const postgres = (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!
    .server_version;
  await client.end();
  const connection = await amqp.connect(testAmqpUrl);
  const rabbitmq = String(connection.connection.serverProperties.version ?? "unknown");
  await connection.close();
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
    memoryGiB: totalmem() / 1024 ** 3,
    os: `${osPlatform()} ${release()}`,
    node: process.versions.node,
    postgres,
    rabbitmq,
  };
}

/** Waits until every accepted send reached every recipient, or the time is up; returns what is missing. */
async function waitForAll(ledger: DeliveryLedger, sends: SendRecord[], timeoutMs: number): Promise<number> {
  const missing = () => {
    ledger.collect();
    return ledger.deliveriesOf(sends).missing;
  };
  await eventually(() => missing() === 0, timeoutMs, 100);
  return missing();
}

function targetsOf(result: Omit<BenchResult, "targets">): Target[] {
  const { hold, half, ratios } = result;
  const holdErrors = hold ? Object.values(hold.errors).reduce((sum, n) => sum + n, 0) : NaN;
  const peak = hold ? Math.max(...Object.values(hold.processes).map((p) => p.peakRssMiB * 1024 * 1024)) : NaN;
  const heaviest = hold
    ? Object.entries(hold.processes).sort((a, b) => b[1].peakRssMiB - a[1].peakRssMiB)[0]?.[0]
    : undefined;
  return [
    {
      target: "sustained throughput ≥ 50% of the slowest raw baseline, 0 errors, 0 lost deliveries",
      measured: hold
        ? `${hold.acceptedPerS.toFixed(1)}/s = ${(ratios.throughputToSlowestBaseline * 100).toFixed(0)}% of ${ratios.slowestBaseline}; ` +
          `${holdErrors} errors; ${result.lostDeliveries} lost`
        : "no step kept up",
      met: ratios.throughputToSlowestBaseline >= 0.5 && holdErrors === 0 && result.lostDeliveries === 0,
    },
    {
      target: "p99 send → live delivery < 250 ms at half the sustained rate",
      measured: half ? `${Math.round(half.deliveryLatencyMs.p99)} ms at ${half.targetRate}/s` : "not run",
      met: half !== undefined && half.deliveryLatencyMs.p99 < 250,
    },
    {
      target: "each service < 150 MB RSS at the sustained rate",
      measured: Number.isFinite(peak) ? `highest ${(peak / MB).toFixed(0)} MB (${heaviest})` : "not measured",
      met: hold && !Object.keys(hold.processes).length ? undefined : Number.isFinite(peak) && peak < 150 * MB,
    },
    {
      target: "no growth of the outbox backlog at the sustained rate",
      measured:
        hold?.outboxBacklog === null || hold === undefined
          ? "not measured"
          : `${hold.outboxBacklog} rows pending at the end of the hold (${hold.targetRate} sends/s)`,
      met:
        hold?.outboxBacklog === null ? undefined : hold !== undefined && hold.outboxBacklog < hold.targetRate,
    },
  ];
}

/**
 * Steps the rate up until a step falls behind, then bisects between the last rate that kept up
 * and the first that did not; returns every step and the highest rate that kept up.
 */
async function findSustainedRate(
  context: PhaseContext,
  settings: Settings,
  report: (phase: PhaseResult, verdict: string) => void,
): Promise<{ steps: BenchResult["steps"]; heldRate: number | undefined }> {
  const steps: BenchResult["steps"] = [];
  let heldRate: number | undefined;
  const step = async (name: string, rate: number) => {
    // Whatever the last step left behind is delivered first, so each step starts even.
    await waitForAll(context.ledger, context.allSends, 15_000);
    const phase = await runPhase(context, name, rate, settings.stepMs);
    const reasons = shortfalls(phase, settings.behindP99Ms);
    steps.push({ ...phase, shortfalls: reasons });
    report(phase, reasons.length ? `(fell behind: ${reasons.join("; ")})` : "");
    return reasons.length === 0;
  };
  let fellAt: number | undefined;
  for (const [index, rate] of rampRates(
    settings.startRate,
    settings.stepFactor,
    settings.maxSteps,
  ).entries()) {
    if (!(await step(`step ${index + 1}`, rate))) {
      fellAt = rate;
      break;
    }
    heldRate = rate;
  }
  for (let refinement = 1; refinement <= settings.refineSteps; refinement += 1) {
    const rate = heldRate !== undefined && fellAt !== undefined ? refinedRate(heldRate, fellAt) : undefined;
    if (rate === undefined) break;
    if (await step(`refine ${refinement}`, rate)) heldRate = rate;
    else fellAt = rate;
  }
  return { steps, heldRate };
}

/**
 * Holds `rate` for the measured window. A rate found in a short step can be too close to the
 * edge to last the longer window; then the hold is tried again a tenth lower, up to three times
 * (the failed tries join `steps`, so the table shows them).
 */
async function holdSustainedRate(
  context: PhaseContext,
  settings: Settings,
  rate: number,
  steps: BenchResult["steps"],
  report: (phase: PhaseResult, verdict: string) => void,
): Promise<NonNullable<BenchResult["hold"]>> {
  for (let attempt = 1; ; attempt += 1) {
    await waitForAll(context.ledger, context.allSends, 15_000);
    const phase = await runPhase(context, attempt === 1 ? "hold" : `hold ${attempt}`, rate, settings.holdMs);
    const hold = { ...phase, shortfalls: shortfalls(phase, settings.behindP99Ms) };
    report(phase, hold.shortfalls.length ? `(did not hold: ${hold.shortfalls.join("; ")})` : "");
    if (hold.shortfalls.length === 0 || attempt === 3) return hold;
    steps.push(hold);
    rate = Math.max(1, Math.round(rate * 0.9));
  }
}

async function run(settings: Settings): Promise<number> {
  const startedAt = new Date().toISOString();
  const serviceErrors: string[] = [];
  print(`Parley benchmark, ${settings.mode} form${settings.url ? `, against ${settings.url}` : ""}`);
  const platform: PlatformUnderTest | undefined = await startPlatform(settings, (line) =>
    serviceErrors.push(line),
  );
  // Stopped once for the baselines and again on the way out (or on Ctrl-C): only the first stops.
  let stopped: Promise<void> | undefined;
  const stopPlatform = () => (stopped ??= platform?.teardown().catch(() => undefined) ?? Promise.resolve());
  process.once("SIGINT", () => void stopPlatform().then(() => process.exit(130)));
  const database = new Client({ connectionString: testDatabaseUrl });
  await database.connect();
  try {
    const gatewayUrl = settings.url ?? platform!.gatewayUrl;
    print(`creating ${usersFor(settings.shape)} users and their conversations, opening their live streams`);
    const population = await createPopulation(gatewayUrl, settings.shape);
    const ledger = new DeliveryLedger(population);
    const sampler = platform
      ? new ProcessSampler(new Map([...platform.processes.values()].flat().map((p) => [p.name, p.adminPort])))
      : undefined;
    await sampler?.start();
    const context: PhaseContext = {
      gatewayUrl,
      population,
      ledger,
      sampler,
      outboxBacklog: platform
        ? async () =>
            Number(
              (
                await database.query<{ n: string }>(
                  `SELECT count(*) AS n FROM "${platform.schemaPrefix}messaging".outbox WHERE published_at IS NULL`,
                )
              ).rows[0]!.n,
            )
        : undefined,
      drainMs: settings.drainMs,
      allSends: [],
    };
    const report = (phase: PhaseResult, verdict = "") =>
      print(
        `  ${phase.name.padEnd(8)} ${String(phase.targetRate).padStart(5)}/s: accepted ${phase.acceptedPerS.toFixed(1)}/s, ` +
          `delivered ${phase.deliveredPerS.toFixed(1)}/s, HTTP p99 ${phase.httpLatencyMs.p99.toFixed(0)} ms, ` +
          `delivery p99 ${phase.deliveryLatencyMs.p99.toFixed(0)} ms ${verdict}`,
      );

    await runPhase(context, "warm-up", settings.startRate, Math.min(3000, settings.stepMs));
    const { steps, heldRate: rampRate } = await findSustainedRate(context, settings, report);
    let heldRate = rampRate;
    let hold: BenchResult["hold"];
    let half: PhaseResult | undefined;
    if (heldRate !== undefined) {
      hold = await holdSustainedRate(context, settings, heldRate, steps, report);
      heldRate = hold.targetRate;
      half = await runPhase(context, "half", Math.max(1, Math.round(heldRate / 2)), settings.halfMs);
      report(half);
    }
    const lostDeliveries = await waitForAll(ledger, context.allSends, 15_000);
    const outboxBacklogAtEnd = context.outboxBacklog ? await context.outboxBacklog() : null;

    print("baseline: the gateway alone");
    const gateway = await gatewayBaseline({
      clients: population.users.map((user) => user.api),
      workers: settings.gatewayWorkers,
      durationMs: settings.baselineMs,
    });
    sampler?.stop();
    population.close();
    closeConnections();
    await stopPlatform();

    print("baseline: PostgreSQL alone");
    const postgres = await postgresBaseline({
      databaseUrl: testDatabaseUrl,
      schema: `${uniqueName("bench")}_pg`,
      poolSize: settings.poolSize,
      shape: settings.shape,
      durationMs: settings.baselineMs,
    });
    print("baseline: RabbitMQ alone");
    const rabbitmq = await rabbitMqBaseline({
      amqpUrl: testAmqpUrl,
      queue: `${uniqueName("bench")}.baseline`,
      payload: messageSentPayload(messageBody("baseline"), Math.round(recipientsPerSend(settings.shape))),
      maxDurationMs: settings.baselineMs,
      rate: heldRate ?? settings.startRate,
      rateDurationMs: settings.baselineMs,
    });

    const candidates: [string, number][] = [
      ["PostgreSQL", postgres.perSecond],
      ["RabbitMQ", rabbitmq.maxPerSecond],
      ["gateway", gateway.perSecond],
    ];
    const [slowestBaseline, slowestRate] = candidates.sort((a, b) => a[1] - b[1])[0]!;
    const partial: Omit<BenchResult, "targets"> = {
      startedAt,
      mode: settings.mode,
      machine: await machine(),
      population: {
        users: population.users.length,
        directConversations: settings.shape.directPairs,
        groups: settings.shape.groups,
        groupSize: settings.shape.groupSize,
        recipientsPerSend: recipientsPerSend(settings.shape),
      },
      steps,
      hold,
      half,
      baselines: { postgres, rabbitmq, gateway },
      ratios: {
        throughputToSlowestBaseline: (hold?.acceptedPerS ?? 0) / slowestRate,
        slowestBaseline: `${slowestBaseline}, ${slowestRate.toFixed(0)}/s`,
        p99DeliveryToRabbitMq: (hold?.deliveryLatencyMs.p99 ?? NaN) / rabbitmq.latencyAtRate.latencyMs.p99,
      },
      lostDeliveries,
      duplicateDeliveries: ledger.duplicates,
      outboxBacklogAtEnd,
    };
    const result: BenchResult = { ...partial, targets: targetsOf(partial) };
    const markdown = toMarkdown(result);
    await mkdir(settings.outDir, { recursive: true });
    const file = join(settings.outDir, `bench-${settings.mode}-${startedAt.replace(/[:.]/g, "-")}`);
    await writeFile(`${file}.json`, `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(`${file}.md`, markdown);
    print(`\n${markdown}`);
    print(`written: ${file}.json and .md`);
    if (serviceErrors.length) {
      print(`\nthe services logged ${serviceErrors.length} errors; the first ones:`);
      for (const line of serviceErrors.slice(0, 5)) print(`  ${line}`);
    }
    // Speed is reported, not asserted; losing or repeating a delivery is a bug whatever the speed.
    return lostDeliveries > 0 || ledger.duplicates > 0 ? 1 : 0;
  } finally {
    closeConnections();
    await stopPlatform();
    await database.end();
  }
}

async function main(args: string[]): Promise<number> {
  let settings: Settings | "help";
  try {
    settings = parseArguments(args, repositoryRoot);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`npm run bench: ${error.message}\n\n${usage}\n`);
    return 64;
  }
  if (settings === "help") {
    print(usage);
    return 0;
  }
  return run(settings);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `npm run bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
