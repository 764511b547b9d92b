import type { ThroughputResult } from "./baselines/postgres-baseline";
import type { RabbitMqResult } from "./baselines/rabbitmq-baseline";
import type { CpuCost } from "./cpu-cost";
import { type Curves, curveSections } from "./curve-report";
import { fixed, markdownTable, perS, quantiles } from "./markdown";
import type { PhaseResult } from "./platform-phase";
import type { ProductionSettings } from "./production-settings";
import type { JudgedPhase } from "./sustained-rate";

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  rabbitmq: string;
}

export interface Target {
  target: string;
  measured: string;
  /** Undefined when the benchmark could not measure it (a gateway given by --url, a curve not run). */
  met: boolean | undefined;
}

export interface BenchResult {
  startedAt: string;
  mode: "full" | "quick";
  machine: Machine;
  /** How the services ran, from the production manifests; null for a gateway given by --url. */
  production: ProductionSettings | null;
  population: {
    users: number;
    directConversations: number;
    groups: number;
    groupSize: number;
    recipientsPerSend: number;
  };
  steps: JudgedPhase[];
  hold: JudgedPhase | undefined;
  half: PhaseResult | undefined;
  /** CPU per accepted send during the hold. */
  cpuPerSend: CpuCost | undefined;
  baselines: {
    rawSubstrate: ThroughputResult;
    postgres: ThroughputResult;
    rabbitmq: RabbitMqResult;
    gateway: ThroughputResult;
  };
  ratios: {
    /** Held sends/s ÷ the raw substrate's transactions/s. */
    toRawSubstrate: number;
    /** Held sends/s ÷ the send-transaction baseline's rate. */
    toSendTransaction: number;
    /** Platform p99 delivery at the held rate ÷ RabbitMQ's p99 at that rate. */
    p99DeliveryToRabbitMq: number;
  };
  curves: Curves;
  /** Deliveries of accepted sends that never arrived, and arrivals beyond the first, in the whole run. */
  lostDeliveries: number;
  duplicateDeliveries: number;
  outboxBacklogAtEnd: number | null;
  targets: Target[];
}

const errorsOf = (errors: Record<string, number>) =>
  Object.entries(errors)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(", ") || "0";
const mib = (value: number) => (Number.isFinite(value) ? String(Math.round(value)) : "–");

function productionSection(production: ProductionSettings | null): string {
  if (!production) return "Not known (--url: the gateway given runs with its own settings).";
  const derived = Object.values(production.heap).some(
    (heap) => heap.source === "derived from the memory limit",
  );
  return (
    `From ${production.source}: each service's heap flag as NODE_OPTIONS, the streams' heartbeats ` +
    `(${production.heartbeatSeconds} s).` +
    (derived
      ? " The manifests set no heap flag: it is derived as 75% of the memory limit; the manifests should carry it."
      : "") +
    "\n\n" +
    markdownTable(
      ["service", "memory limit (MiB)", "heap flag", "from"],
      Object.entries(production.heap).map(([service, heap]) => [
        service,
        String(heap.memoryLimitMiB),
        `\`${heap.flag}\``,
        heap.source,
      ]),
    )
  );
}

function cpuSection(cost: CpuCost | undefined, services: string[]): string {
  if (!cost) return "Not measured (--url, or no step kept up).";
  const others = Object.keys(cost.msPerUnit).filter((name) => !services.includes(name));
  return (
    markdownTable(
      [...services, "services in total", ...others],
      [
        [
          ...services.map((name) => fixed(cost.msPerUnit[name])),
          `**${fixed(cost.servicesMs)}**`,
          ...others.map((name) => fixed(cost.msPerUnit[name])),
        ],
      ],
    ) +
    "\n\nBeside the services where the machine lets the benchmark see them: PostgreSQL's backends serving this " +
    "platform's roles (its WAL writer and checkpointer are left out), the RabbitMQ broker's whole process (shared " +
    "with anything else using the broker), and the load generator (this process, stream clients included)."
  );
}

/** The result as Markdown: the machine, every phase, the processes, CPU per send, baselines, ratios, curves and targets. */
export function toMarkdown(
  result: BenchResult,
  plot: (curve: string) => string = (curve) => `${curve}.svg`,
): string {
  const { machine: m, population: p } = result;
  const phases: (PhaseResult & { shortfalls?: string[] })[] = [
    ...result.steps,
    ...(result.hold ? [result.hold] : []),
    ...(result.half ? [result.half] : []),
  ];
  const processes = [...new Set(phases.flatMap((phase) => Object.keys(phase.processes)))];
  const services = processes.filter((name) => phases.some((phase) => phase.processes[name]?.service));
  const { rawSubstrate, postgres, rabbitmq, gateway } = result.baselines;
  const sections = [
    `# Parley benchmark (${result.mode}), ${result.startedAt}`,
    `Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB.toFixed(1)} GiB, ${m.os}; Node.js ${m.node}, PostgreSQL ${m.postgres}, ` +
      `RabbitMQ ${m.rabbitmq}. Everything (services, servers, load generator) shares these cores.\n\n` +
      `Population: ${p.users} users, ${p.directConversations} direct conversations and ${p.groups} group(s) of ${p.groupSize}; ` +
      `${p.recipientsPerSend.toFixed(2)} live deliveries per send on average. Latencies in ms as p50 / p95 / p99 / max, ` +
      `measured from when each send was due (open loop).`,
    "## Production settings",
    productionSection(result.production),
    "## Platform: sends through the gateway, live deliveries on the recipients' streams",
    markdownTable(
      [
        "phase",
        "target/s",
        "accepted/s",
        "delivered/s",
        "HTTP send latency",
        "send → live delivery",
        "errors",
        "behind",
        "outbox at end",
        "verdict",
      ],
      phases.map((phase) => [
        phase.name,
        String(phase.targetRate),
        perS(phase.acceptedPerS),
        perS(phase.deliveredPerS),
        quantiles(phase.httpLatencyMs),
        quantiles(phase.deliveryLatencyMs),
        errorsOf(phase.errors),
        String(phase.behind),
        phase.outboxBacklog === null ? "n/a" : String(phase.outboxBacklog),
        phase.shortfalls ? phase.shortfalls.join("; ") || "kept up" : "",
      ]),
    ),
    "## Processes: CPU seconds / peak RSS / peak V8 heap in use (MiB) per phase",
    processes.length
      ? markdownTable(
          ["phase", ...processes],
          phases.map((phase) => [
            phase.name,
            ...processes.map((name) => {
              const figures = phase.processes[name];
              return figures
                ? `${figures.cpuSeconds.toFixed(1)} s / ${mib(figures.peakRssMiB)} / ${mib(figures.peakHeapUsedMiB)}`
                : "–";
            }),
          ]),
        )
      : "Not measured (--url: the benchmark does not see the processes).",
    "## CPU per send at the sustained rate (ms)",
    cpuSection(result.cpuPerSend, services),
    "## Baselines on the same machine",
    markdownTable(
      ["baseline", "rate/s", "latency", "errors"],
      [
        [
          "Raw substrate: one message row and one outbox row in a transaction, plain pg pool, 32 callers",
          perS(rawSubstrate.perSecond),
          quantiles(rawSubstrate.latencyMs),
          String(rawSubstrate.errors),
        ],
        [
          "PostgreSQL: the send transaction (message + outbox row) through pg",
          perS(postgres.perSecond),
          quantiles(postgres.latencyMs),
          String(postgres.errors),
        ],
        [
          "RabbitMQ: publish with confirms to a quorum queue, consume with manual acks (flat out)",
          perS(rabbitmq.maxPerSecond),
          "–",
          "0",
        ],
        [
          `RabbitMQ: publish → consume at the held rate (${perS(rabbitmq.latencyAtRate.rate)}/s)`,
          "–",
          quantiles(rabbitmq.latencyAtRate.latencyMs),
          "0",
        ],
        [
          "Gateway: authenticated GET /v1/ping (one gRPC health check)",
          perS(gateway.perSecond),
          quantiles(gateway.latencyMs),
          String(gateway.errors),
        ],
      ],
    ),
    "## Ratios",
    `- Platform sustained throughput ÷ raw substrate: **${(result.ratios.toRawSubstrate * 100).toFixed(1)}%**\n` +
      `- Platform sustained throughput ÷ the send-transaction baseline: ${(result.ratios.toSendTransaction * 100).toFixed(0)}%\n` +
      `- Platform p99 send → live delivery ÷ RabbitMQ p99 publish → consume, at the held rate: ` +
      `**${result.ratios.p99DeliveryToRabbitMq.toFixed(1)}×**\n` +
      `- Whole run: ${result.lostDeliveries} deliveries lost, ${result.duplicateDeliveries} duplicates; ` +
      `outbox backlog at the end: ${result.outboxBacklogAtEnd ?? "n/a"}`,
    ...curveSections(result.curves, plot),
    "## Targets (2 cores running everything; printed, not asserted)",
    markdownTable(
      ["target", "measured", "met"],
      result.targets.map((t) => [
        t.target,
        t.measured,
        t.met === undefined ? "n/a" : t.met ? "yes" : "**no**",
      ]),
    ),
  ];
  return `${sections.join("\n\n")}\n`;
}
