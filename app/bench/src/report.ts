import type { RabbitMqResult } from "./baselines/rabbitmq-baseline";
import type { ThroughputResult } from "./baselines/postgres-baseline";
import type { PhaseResult } from "./platform-phase";
import type { Summary } from "./statistics";

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
  /** Undefined when the benchmark could not measure it (a gateway given by --url). */
  met: boolean | undefined;
}

export interface BenchResult {
  startedAt: string;
  mode: "full" | "quick";
  machine: Machine;
  population: {
    users: number;
    directConversations: number;
    groups: number;
    groupSize: number;
    recipientsPerSend: number;
  };
  steps: (PhaseResult & { shortfalls: string[] })[];
  hold: (PhaseResult & { shortfalls: string[] }) | undefined;
  half: PhaseResult | undefined;
  baselines: {
    postgres: ThroughputResult;
    rabbitmq: RabbitMqResult;
    gateway: ThroughputResult;
  };
  ratios: {
    /** Held sends/s ÷ the slowest baseline's rate. */
    throughputToSlowestBaseline: number;
    slowestBaseline: string;
    /** Platform p99 delivery at the held rate ÷ RabbitMQ's p99 at that rate. */
    p99DeliveryToRabbitMq: number;
  };
  /** Deliveries of accepted sends that never arrived, and arrivals beyond the first, in the whole run. */
  lostDeliveries: number;
  duplicateDeliveries: number;
  outboxBacklogAtEnd: number | null;
  targets: Target[];
}

const ms = (value: number) =>
  Number.isFinite(value) ? (value < 10 ? value.toFixed(1) : Math.round(value).toString()) : "–";
const perS = (value: number) => (value < 100 ? value.toFixed(1) : Math.round(value).toString());
const quantiles = (s: Summary) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)} / ${ms(s.max)}`;
const errorsOf = (errors: Record<string, number>) =>
  Object.entries(errors)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(", ") || "0";

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The result as Markdown: the machine, every phase, the processes, the baselines, ratios and targets. */
export function toMarkdown(result: BenchResult): string {
  const { machine: m, population: p } = result;
  const phases: (PhaseResult & { shortfalls?: string[] })[] = [
    ...result.steps,
    ...(result.hold ? [result.hold] : []),
    ...(result.half ? [result.half] : []),
  ];
  const services = [...new Set(phases.flatMap((phase) => Object.keys(phase.processes)))];
  const { postgres, rabbitmq, gateway } = result.baselines;
  const sections = [
    `# Parley benchmark (${result.mode}), ${result.startedAt}`,
    `Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB.toFixed(1)} GiB, ${m.os}; Node.js ${m.node}, PostgreSQL ${m.postgres}, ` +
      `RabbitMQ ${m.rabbitmq}. Everything (services, servers, load generator) shares these cores.\n\n` +
      `Population: ${p.users} users, ${p.directConversations} direct conversations and ${p.groups} group(s) of ${p.groupSize}; ` +
      `${p.recipientsPerSend.toFixed(2)} live deliveries per send on average. Latencies in ms as p50 / p95 / p99 / max, ` +
      `measured from when each send was due (open loop).`,
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
    "## Service processes: CPU seconds / peak RSS / peak V8 heap in use (MiB) per phase",
    services.length
      ? markdownTable(
          ["phase", ...services],
          phases.map((phase) => [
            phase.name,
            ...services.map((name) => {
              const figures = phase.processes[name];
              return figures
                ? `${figures.cpuSeconds.toFixed(1)} s / ${Math.round(figures.peakRssMiB)} / ${Math.round(figures.peakHeapUsedMiB)}`
                : "–";
            }),
          ]),
        )
      : "Not measured (--url: the benchmark does not see the processes).",
    "## Baselines on the same machine",
    markdownTable(
      ["baseline", "rate/s", "latency", "errors"],
      [
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
    `- Platform sustained throughput ÷ slowest raw baseline (${result.ratios.slowestBaseline}): ` +
      `**${(result.ratios.throughputToSlowestBaseline * 100).toFixed(0)}%**\n` +
      `- Platform p99 send → live delivery ÷ RabbitMQ p99 publish → consume, at the held rate: ` +
      `**${result.ratios.p99DeliveryToRabbitMq.toFixed(1)}×**\n` +
      `- Whole run: ${result.lostDeliveries} deliveries lost, ${result.duplicateDeliveries} duplicates; ` +
      `outbox backlog at the end: ${result.outboxBacklogAtEnd ?? "n/a"}`,
    "## Targets (2 cores running everything)",
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
