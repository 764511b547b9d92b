import type { PhaseResult } from "./platform-phase";
import { type BenchResult, toMarkdown } from "./report";
import { summarize } from "./statistics";

const phase = (name: string, rate: number, processes: PhaseResult["processes"] = {}): PhaseResult => ({
  name,
  targetRate: rate,
  durationS: 10,
  sends: rate * 10,
  acceptedPerS: rate,
  deliveredPerS: rate * 1.5,
  httpLatencyMs: summarize([4, 5, 6]),
  deliveryLatencyMs: summarize([30, 40, 120]),
  errors: rate > 100 ? { "http 503": 3 } : {},
  behind: 0,
  duplicates: 0,
  processes,
  outboxBacklog: null,
});

function result(): BenchResult {
  const processes = { gateway: { cpuSeconds: 3.25, peakRssMiB: 120.4, peakHeapUsedMiB: 50.2 } };
  return {
    startedAt: "2026-11-25T00:00:00.000Z",
    mode: "quick",
    machine: {
      cores: 2,
      cpu: "Test CPU",
      memoryGiB: 24,
      os: "linux",
      node: "20",
      postgres: "15",
      rabbitmq: "3.10",
    },
    population: { users: 7, directConversations: 2, groups: 1, groupSize: 3, recipientsPerSend: 1.33 },
    steps: [
      { ...phase("step 1", 50, processes), shortfalls: [] },
      { ...phase("step 2", 200), shortfalls: ["3 failed sends"] },
    ],
    hold: { ...phase("hold", 50, processes), shortfalls: [] },
    half: phase("half", 25),
    baselines: {
      postgres: { perSecond: 500, latencyMs: summarize([10]), errors: 0 },
      rabbitmq: { maxPerSecond: 5000, latencyAtRate: { rate: 50, latencyMs: summarize([20]) } },
      gateway: { perSecond: 800, latencyMs: summarize([5]), errors: 0 },
    },
    ratios: {
      throughputToSlowestBaseline: 0.1,
      slowestBaseline: "PostgreSQL, 500/s",
      p99DeliveryToRabbitMq: 6,
    },
    lostDeliveries: 0,
    duplicateDeliveries: 0,
    outboxBacklogAtEnd: null,
    targets: [
      { target: "throughput", measured: "10%", met: false },
      { target: "latency", measured: "120 ms", met: true },
      { target: "outbox", measured: "not measured", met: undefined },
    ],
  };
}

describe("the Markdown report", () => {
  const markdown = toMarkdown(result());

  it("when rendered, then it names the machine, every phase with its verdict, and the process figures", () => {
    expect(markdown).toContain(
      "Machine: 2 × Test CPU, 24.0 GiB, linux; Node.js 20, PostgreSQL 15, RabbitMQ 3.10",
    );
    expect(markdown).toMatch(
      /\| step 1 \| 50 \| 50\.0 \| 75\.0 \| 5\.0 \/ 6\.0 \/ 6\.0 \/ 6\.0 \| .* \| 0 \| 0 \| n\/a \| kept up \|/,
    );
    expect(markdown).toContain("| 3 http 503 |");
    expect(markdown).toContain("3 failed sends");
    expect(markdown).toContain("| step 1 | 3.3 s / 120 / 50 |");
  });

  it("when rendered, then the baselines, ratios and each target's verdict are there", () => {
    expect(markdown).toContain(
      "| PostgreSQL: the send transaction (message + outbox row) through pg | 500 |",
    );
    expect(markdown).toContain("slowest raw baseline (PostgreSQL, 500/s): **10%**");
    expect(markdown).toContain("**6.0×**");
    expect(markdown).toContain("| throughput | 10% | **no** |");
    expect(markdown).toContain("| latency | 120 ms | yes |");
    expect(markdown).toContain("| outbox | not measured | n/a |");
  });
});
