import { mkdir, writeFile } from "node:fs/promises";
import { cpus, platform as osPlatform, release, totalmem } from "node:os";
import { basename, join } from "node:path";
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
import { rawSubstrateBaseline } from "./baselines/raw-substrate-baseline";
import { cpuCostPer } from "./cpu-cost";
import { type Curves, curveCharts } from "./curve-report";
import { fanOutCurve } from "./curves/fan-out";
import { historyCurve } from "./curves/history";
import { idleStreamsCurve } from "./curves/idle-streams";
import { DeliveryLedger } from "./deliveries";
import { ProcessGroupCpu } from "./host-processes";
import { closeConnections } from "./http-load";
import { messageBody, messageSentPayload } from "./message-payload";
import { DESCRIPTOR_RESERVE, openFileLimits, streamCapacity } from "./open-file-limit";
import { type PhaseContext, type PhaseResult, runPhase } from "./platform-phase";
import { createPopulation, recipientsPerSend, usersFor } from "./population";
import {
  ProcessSampler,
  type SampleSource,
  ownProcessSource,
  processGroupSource,
  serviceSource,
} from "./process-sampler";
import { type ProductionSettings, readProductionSettings } from "./production-settings";
import { type BenchResult, type Machine, toMarkdown } from "./report";
import { type Settings, UsageError, parseArguments, usage } from "./settings";
import { SETTLE_MS, findSustainedRate, holdSustainedRate, waitForAll } from "./sustained-rate";
import { svgChart } from "./svg-chart";
import { targetsOf } from "./targets";

const print = (text: string) => process.stdout.write(`${text}\n`);

/** Starts the platform as the pods run it, unless a gateway URL was given; counts the services' error log lines. */
async function startPlatform(
  settings: Settings,
  production: ProductionSettings | null,
  onError: (line: string) => void,
) {
  if (settings.url || !production) return undefined;
  return startPlatformUnderTest({
    env: {
      // The benchmark measures the platform, not its abuse limits or token expiry.
      RATE_LIMIT_PER_MINUTE: "10000000",
      RATE_LIMIT_AUTH_PER_MINUTE: "1000000",
      AUTH_ACCESS_TOKEN_TTL_SECONDS: "7200",
      DATABASE_POOL_SIZE: String(settings.poolSize),
    },
    serviceEnv: production.serviceEnv,
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

/**
 * The services from their own /metrics; beside them, where this machine shows them in /proc,
 * PostgreSQL's backends of this platform's roles, the RabbitMQ broker, and the load generator.
 */
function processSources(platform: PlatformUnderTest): Map<string, SampleSource> {
  const sources = new Map<string, SampleSource>(
    [...platform.processes.values()].flat().map((p) => [p.name, serviceSource(p.adminPort)]),
  );
  sources.set(
    "PostgreSQL backends",
    processGroupSource(
      new ProcessGroupCpu(
        (line) => line.startsWith("postgres:") && line.includes(` ${platform.schemaPrefix}`),
      ),
    ),
  );
  sources.set(
    "RabbitMQ broker",
    processGroupSource(new ProcessGroupCpu((line) => line.includes("beam.smp") && line.includes("rabbit"))),
  );
  sources.set("load generator", ownProcessSource());
  return sources;
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

/** The cost curves asked for, on the running platform. */
async function runCurves(
  settings: Settings,
  platform: PlatformUnderTest,
  production: ProductionSettings,
  sampler: ProcessSampler,
  database: Client,
  serviceErrors: readonly string[],
  report: (phase: PhaseResult, verdict: string) => void,
): Promise<Curves> {
  const curves: Curves = {};
  const gatewayUrl = platform.gatewayUrl;
  if (settings.curves.includes("fanout"))
    curves.fanOut = await fanOutCurve({
      gatewayUrl,
      sampler,
      settings: settings.fanOut,
      drainMs: settings.drainMs,
      report,
      print,
    });
  if (settings.curves.includes("history"))
    curves.history = await historyCurve({
      gatewayUrl,
      database,
      messagingSchema: `${platform.schemaPrefix}messaging`,
      settings: settings.history,
      print,
    });
  if (settings.curves.includes("streams")) {
    // Fresh processes: the curve's memory figures grow from a clean heap, not from whatever garbage
    // the phases before left uncollected; and if the streams exhaust a process, only this curve sees it.
    for (const name of ["gateway", "notification"] as const) await platform.processes.get(name)![0]!.stop();
    for (const name of ["notification", "gateway"] as const) await platform.restart(name);
    const limits = openFileLimits();
    const streams = streamCapacity(limits);
    const adminPort = (name: "gateway" | "notification") => platform.processes.get(name)![0]!.adminPort;
    curves.idleStreams = await idleStreamsCurve({
      gatewayUrl,
      sampler,
      adminPorts: { gateway: adminPort("gateway"), notification: adminPort("notification") },
      heartbeatSeconds: production.heartbeatSeconds,
      settings: settings.idleStreams,
      capacity: {
        streams,
        reason:
          `${Math.max(...settings.idleStreams.counts)} streams asked, ${streams} measured: the open-file limit is ` +
          `${limits.soft} (hard ${limits.hard}), and the gateway and the benchmark each need a descriptor per ` +
          `stream and about ${DESCRIPTOR_RESERVE} besides`,
      },
      processTrouble: async () => {
        const processes = [...platform.processes].flatMap(([service, list]) =>
          list.map((p) => ({ service, p })),
        );
        const exited = () =>
          processes.filter(({ p }) => p.child.exitCode !== null || p.child.signalCode !== null);
        // A process on its way down breaks its connections a moment before it exits.
        await eventually(() => exited().length > 0, 3000, 100);
        const trouble = exited().map(({ service, p }) => {
          const outOfHeap = serviceErrors.some(
            (line) => line.startsWith(`${p.name}: `) && /heap out of memory/.test(line),
          );
          return `${p.name} exited (${p.child.exitCode ?? p.child.signalCode})${outOfHeap ? `, out of JavaScript heap at ${production.heap[service].flag}` : ""}`;
        });
        return trouble.length ? trouble.join(", ") : undefined;
      },
      print,
    });
  }
  return curves;
}

async function run(settings: Settings): Promise<number> {
  const startedAt = new Date().toISOString();
  const serviceErrors: string[] = [];
  print(`Parley benchmark, ${settings.mode} form${settings.url ? `, against ${settings.url}` : ""}`);
  const production = settings.url ? null : readProductionSettings(repositoryRoot);
  if (production)
    print(
      `services run as the pods do (${production.source}): ` +
        Object.entries(production.heap)
          .map(([service, heap]) => `${service} ${heap.flag}`)
          .join(", ") +
        `; stream heartbeats ${production.heartbeatSeconds} s`,
    );
  const platform = await startPlatform(settings, production, (line) => serviceErrors.push(line));
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
    const sampler = platform ? new ProcessSampler(processSources(platform)) : undefined;
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
      hold = await holdSustainedRate(context, settings, settings.holdMs, heldRate, steps, report);
      heldRate = hold.targetRate;
      await waitForAll(ledger, context.allSends, SETTLE_MS);
      half = await runPhase(context, "half", Math.max(1, Math.round(heldRate / 2)), settings.halfMs);
      report(half);
    }
    const lostInPhases = await waitForAll(ledger, context.allSends, SETTLE_MS);
    const outboxBacklogAtEnd = context.outboxBacklog ? await context.outboxBacklog() : null;

    print("baseline: the gateway alone");
    const gateway = await gatewayBaseline({
      clients: population.users.map((user) => user.api),
      workers: settings.gatewayWorkers,
      durationMs: settings.baselineMs,
    });
    const curves =
      platform && production && sampler && settings.curves.length
        ? await runCurves(settings, platform, production, sampler, database, serviceErrors, report)
        : {};
    sampler?.stop();
    population.close();
    closeConnections();
    await stopPlatform();

    print("baseline: the raw substrate (a message row and an outbox row per transaction)");
    const body = messageBody("baseline");
    const rawSubstrate = await rawSubstrateBaseline({
      databaseUrl: testDatabaseUrl,
      schema: `${uniqueName("bench")}_raw`,
      poolSize: settings.poolSize,
      callers: settings.rawCallers,
      conversations: settings.shape.directPairs + settings.shape.groups,
      body,
      payload: messageSentPayload(body, Math.round(recipientsPerSend(settings.shape))),
      durationMs: settings.baselineMs,
    });
    print("baseline: PostgreSQL alone (the service's send transaction)");
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
      payload: messageSentPayload(body, Math.round(recipientsPerSend(settings.shape))),
      maxDurationMs: settings.baselineMs,
      rate: heldRate ?? settings.startRate,
      rateDurationMs: settings.baselineMs,
    });

    const fanOut = curves.fanOut ?? [];
    const partial: Omit<BenchResult, "targets"> = {
      startedAt,
      mode: settings.mode,
      machine: await machine(),
      production,
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
      cpuPerSend: hold && cpuCostPer(hold.processes, Math.round(hold.acceptedPerS * hold.durationS)),
      baselines: { rawSubstrate, postgres, rabbitmq, gateway },
      ratios: {
        toRawSubstrate: (hold?.acceptedPerS ?? 0) / rawSubstrate.perSecond,
        toSendTransaction: (hold?.acceptedPerS ?? 0) / postgres.perSecond,
        p99DeliveryToRabbitMq: (hold?.deliveryLatencyMs.p99 ?? NaN) / rabbitmq.latencyAtRate.latencyMs.p99,
      },
      curves,
      lostDeliveries:
        lostInPhases +
        fanOut.reduce((sum, point) => sum + point.lost, 0) +
        (curves.idleStreams?.points.reduce((sum, point) => sum + point.missing, 0) ?? 0),
      duplicateDeliveries: ledger.duplicates + fanOut.reduce((sum, point) => sum + point.duplicates, 0),
      outboxBacklogAtEnd,
    };
    const result: BenchResult = { ...partial, targets: targetsOf(partial) };
    await mkdir(settings.outDir, { recursive: true });
    const file = join(settings.outDir, `bench-${settings.mode}-${startedAt.replace(/[:.]/g, "-")}`);
    const markdown = toMarkdown(result, (curve) => `${basename(file)}-${curve}.svg`);
    await writeFile(`${file}.json`, `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(`${file}.md`, markdown);
    const charts = curveCharts(curves);
    for (const chart of charts) await writeFile(`${file}-${chart.name}.svg`, svgChart(chart.panels));
    print(`\n${markdown}`);
    print(`written: ${file}.json and .md${charts.map((chart) => `, -${chart.name}.svg`).join("")}`);
    // Speed is reported, not asserted; losing or repeating a delivery is a bug whatever the speed.
    return result.lostDeliveries > 0 || result.duplicateDeliveries > 0 ? 1 : 0;
  } finally {
    if (serviceErrors.length) {
      print(`\nthe services logged ${serviceErrors.length} errors; the first ones:`);
      for (const line of serviceErrors.slice(0, 10)) print(`  ${line}`);
    }
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
