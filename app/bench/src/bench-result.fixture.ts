// A benchmark result for the report's and the targets' tests: every figure chosen, nothing measured.
import type { PhaseResult } from "./platform-phase";
import type { ProcessFigures } from "./process-sampler";
import type { BenchResult } from "./report";
import { summarize } from "./statistics";

export const figures = (cpuSeconds: number, peakRssMiB: number, service = true): ProcessFigures => ({
  service,
  cpuSeconds,
  peakRssMiB,
  peakHeapUsedMiB: service ? peakRssMiB / 2 : NaN,
  lowHeapUsedMiB: service ? peakRssMiB / 3 : NaN,
});

export const phase = (
  name: string,
  rate: number,
  processes: PhaseResult["processes"] = {},
  deliveryLatencies = [30, 40, 120],
): PhaseResult => ({
  name,
  targetRate: rate,
  durationS: 10,
  sends: rate * 10,
  acceptedPerS: rate,
  deliveredPerS: rate * 1.5,
  httpLatencyMs: summarize([4, 5, 6]),
  deliveryLatencyMs: summarize(deliveryLatencies),
  errors: rate > 600 ? { "http 503": 3 } : {},
  behind: 0,
  duplicates: 0,
  processes,
  outboxBacklog: 2,
});

/** A quick run that held 600 sends/s at 1.5 ms of the services' CPU per send, with all three curves. */
export function benchResult(): Omit<BenchResult, "targets"> {
  const processes = {
    gateway: figures(4, 120.4),
    messaging: figures(3, 140),
    notification: figures(2, 100),
    "PostgreSQL backends": figures(5, NaN, false),
  };
  return {
    startedAt: "2026-12-03T00:00:00.000Z",
    mode: "quick",
    machine: {
      cores: 2,
      cpu: "Test CPU",
      memoryGiB: 24,
      os: "linux",
      node: "24",
      postgres: "15",
      rabbitmq: "3.10",
    },
    production: {
      source: "gitops/overlays/production (kubectl kustomize)",
      heap: {
        auth: {
          memoryLimitMiB: 512,
          flag: "--max-old-space-size=384",
          source: "derived from the memory limit",
        },
        messaging: {
          memoryLimitMiB: 256,
          flag: "--max-old-space-size=192",
          source: "derived from the memory limit",
        },
        notification: {
          memoryLimitMiB: 256,
          flag: "--max-old-space-size=192",
          source: "derived from the memory limit",
        },
        gateway: {
          memoryLimitMiB: 256,
          flag: "--max-old-space-size=192",
          source: "derived from the memory limit",
        },
      },
      serviceEnv: { auth: {}, messaging: {}, notification: {}, gateway: {} },
      heartbeatSeconds: 15,
    },
    population: { users: 7, directConversations: 2, groups: 1, groupSize: 3, recipientsPerSend: 1.33 },
    steps: [
      { ...phase("step 1", 300, processes), shortfalls: [] },
      { ...phase("step 2", 800), shortfalls: ["3 failed sends"] },
    ],
    hold: { ...phase("hold", 600, processes), shortfalls: [] },
    half: phase("half", 300, {}, [20, 30, 90]),
    cpuPerSend: {
      msPerUnit: { gateway: 0.667, messaging: 0.5, notification: 0.333, "PostgreSQL backends": 0.833 },
      servicesMs: 1.5,
    },
    baselines: {
      rawSubstrate: { perSecond: 3000, latencyMs: summarize([8]), errors: 0 },
      postgres: { perSecond: 1000, latencyMs: summarize([10]), errors: 0 },
      rabbitmq: { maxPerSecond: 5000, latencyAtRate: { rate: 600, latencyMs: summarize([20]) } },
      gateway: { perSecond: 800, latencyMs: summarize([5]), errors: 0 },
    },
    ratios: { toRawSubstrate: 0.2, toSendTransaction: 0.6, p99DeliveryToRabbitMq: 6 },
    curves: {
      fanOut: [
        {
          groupSize: 2,
          sustained: { sendsPerS: 300, deliveriesPerS: 300, deliveryP99Ms: 80, cpuMsPerDelivery: 1.2 },
          steps: 3,
          fellBehind: false,
          lost: 0,
          duplicates: 0,
        },
        { groupSize: 200, sustained: undefined, steps: 1, fellBehind: true, lost: 0, duplicates: 0 },
      ],
      idleStreams: {
        heartbeatSeconds: 15,
        recipients: 100,
        idleWindowS: 30,
        capped: "20000 streams asked, 19000 measured",
        failed: undefined,
        points: [
          {
            streams: 1000,
            openSeconds: 2,
            rssKiBPerStream: { gateway: 9, notification: 4 },
            heapKiBPerStream: { gateway: 3, notification: 2 },
            cpuMsPerHeartbeat: 150,
            cpuUsPerStreamHeartbeat: 120,
            deliveryToAllMs: { p50: 100, max: 200 },
            missing: 0,
          },
          {
            streams: 19000,
            openSeconds: 30,
            rssKiBPerStream: { gateway: 12, notification: 7 },
            heapKiBPerStream: { gateway: 4, notification: 3 },
            cpuMsPerHeartbeat: 2400,
            cpuUsPerStreamHeartbeat: 125,
            deliveryToAllMs: { p50: 700, max: 1500 },
            missing: 0,
          },
        ],
      },
      history: {
        messages: 2000,
        pageSize: 50,
        pages: 40,
        seedSeconds: 0.5,
        startMs: summarize([3, 4, 5]),
        endMs: summarize([6, 7, 8]),
        byDepth: [
          { depth: 0, p50: 4, p99: 5 },
          { depth: 1000, p50: 7, p99: 8 },
        ],
      },
    },
    lostDeliveries: 0,
    duplicateDeliveries: 0,
    outboxBacklogAtEnd: 0,
  };
}
