import { parseMetrics, total } from "@parley/test-support";
import type { ProcessGroupCpu } from "./host-processes";

export interface ProcessFigures {
  /** A Parley service (its figures from its own /metrics), or a process beside them (a server, the load generator). */
  service: boolean;
  /** CPU seconds (user + system) the process spent during the phase. */
  cpuSeconds: number;
  /** The highest resident memory sampled during the phase, in MiB (NaN where not measured). */
  peakRssMiB: number;
  /** The highest V8 heap in use sampled during the phase, in MiB (RSS minus this is mostly GC headroom and code). */
  peakHeapUsedMiB: number;
  /** The lowest V8 heap in use sampled during the phase, in MiB: close to the live heap right after a collection. */
  lowHeapUsedMiB: number;
}

interface Sample {
  cpuSeconds: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/** Where a process's figures come from, read once a second. */
export interface SampleSource {
  service: boolean;
  read(): Promise<Sample | undefined>;
}

const MIB = 1024 * 1024;

/** Reads CPU time, resident memory and V8 heap in use from a Prometheus text page. */
export function parseProcessMetrics(text: string): Sample | undefined {
  const { samples } = parseMetrics(text);
  const sample = {
    cpuSeconds: total(samples, "process_cpu_seconds_total"),
    rssBytes: total(samples, "process_resident_memory_bytes"),
    heapUsedBytes: total(samples, "nodejs_heap_size_used_bytes"),
  };
  return Object.values(sample).every(Number.isFinite) ? sample : undefined;
}

/** A service, from its admin `/metrics` (the same figures Prometheus sees). */
export const serviceSource = (adminPort: number): SampleSource => ({
  service: true,
  read: async () =>
    parseProcessMetrics(
      await fetch(`http://127.0.0.1:${adminPort}/metrics`).then(
        (response) => response.text(),
        () => "",
      ),
    ),
});

/** Local processes' CPU from /proc (their memory is not comparable: servers share theirs between processes). */
export const processGroupSource = (group: ProcessGroupCpu): SampleSource => ({
  service: false,
  read: async () => {
    const cpuSeconds = await group.cpuSeconds();
    return cpuSeconds === undefined ? undefined : { cpuSeconds, rssBytes: NaN, heapUsedBytes: NaN };
  },
});

/** The benchmark's own process: the load generator and the stream clients. */
export const ownProcessSource = (): SampleSource => ({
  service: false,
  read: async () => {
    const { user, system } = process.cpuUsage();
    const memory = process.memoryUsage();
    return { cpuSeconds: (user + system) / 1e6, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed };
  },
});

/**
 * Samples each process's CPU time, resident memory and heap once a second, so a phase can report
 * CPU seconds and peaks.
 */
export class ProcessSampler {
  private readonly latest = new Map<string, Sample>();
  private readonly extremes = new Map<string, { rss: number; heap: number; lowHeap: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sources: Map<string, SampleSource>) {}

  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  private async sample(): Promise<void> {
    await Promise.all(
      [...this.sources].map(async ([name, source]) => {
        const sample = await source.read();
        if (!sample) return;
        this.latest.set(name, sample);
        const seen = this.extremes.get(name);
        this.extremes.set(name, {
          rss: Math.max(seen?.rss ?? 0, sample.rssBytes),
          heap: Math.max(seen?.heap ?? 0, sample.heapUsedBytes),
          lowHeap: Math.min(seen?.lowHeap ?? Infinity, sample.heapUsedBytes),
        });
      }),
    );
  }

  /** Marks the start of a phase; `end()` of the returned mark gives the figures since. */
  async mark(): Promise<{ end(): Promise<Map<string, ProcessFigures>> }> {
    await this.sample();
    const before = new Map(this.latest);
    this.extremes.clear();
    for (const [name, sample] of before)
      this.extremes.set(name, {
        rss: sample.rssBytes,
        heap: sample.heapUsedBytes,
        lowHeap: sample.heapUsedBytes,
      });
    return {
      end: async () => {
        await this.sample();
        const figures = new Map<string, ProcessFigures>();
        // In the order of the sources (the services in start order, then the others), not of the answers.
        for (const [name, source] of this.sources) {
          const sample = this.latest.get(name);
          if (!sample) continue;
          const seen = this.extremes.get(name);
          figures.set(name, {
            service: source.service,
            cpuSeconds: sample.cpuSeconds - (before.get(name)?.cpuSeconds ?? sample.cpuSeconds),
            peakRssMiB: (seen?.rss ?? sample.rssBytes) / MIB,
            peakHeapUsedMiB: (seen?.heap ?? sample.heapUsedBytes) / MIB,
            lowHeapUsedMiB: (seen?.lowHeap ?? sample.heapUsedBytes) / MIB,
          });
        }
        return figures;
      },
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
