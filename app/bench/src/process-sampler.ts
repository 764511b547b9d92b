import { parseMetrics, total } from "@parley/test-support";

export interface ProcessFigures {
  /** CPU seconds (user + system) the process spent during the phase. */
  cpuSeconds: number;
  /** The highest resident memory sampled during the phase, in MiB. */
  peakRssMiB: number;
  /** The highest V8 heap in use sampled during the phase, in MiB (RSS minus this is mostly GC headroom and code). */
  peakHeapUsedMiB: number;
}

interface Sample {
  cpuSeconds: number;
  rssBytes: number;
  heapUsedBytes: number;
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

/**
 * Samples each service process's CPU time, resident memory and heap from its admin `/metrics`
 * once a second (the same figures Prometheus sees), so a phase can report CPU seconds and peaks.
 */
export class ProcessSampler {
  private readonly latest = new Map<string, Sample>();
  private readonly peakSince = new Map<string, { rss: number; heap: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly adminPorts: Map<string, number>) {}

  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  private async sample(): Promise<void> {
    await Promise.all(
      [...this.adminPorts].map(async ([name, port]) => {
        const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (response) => response.text(),
          () => "",
        );
        const sample = parseProcessMetrics(text);
        if (!sample) return;
        this.latest.set(name, sample);
        const peak = this.peakSince.get(name);
        this.peakSince.set(name, {
          rss: Math.max(peak?.rss ?? 0, sample.rssBytes),
          heap: Math.max(peak?.heap ?? 0, sample.heapUsedBytes),
        });
      }),
    );
  }

  /** Marks the start of a phase; `end()` of the returned mark gives the figures since. */
  async mark(): Promise<{ end(): Promise<Map<string, ProcessFigures>> }> {
    await this.sample();
    const before = new Map(this.latest);
    this.peakSince.clear();
    for (const [name, sample] of before)
      this.peakSince.set(name, { rss: sample.rssBytes, heap: sample.heapUsedBytes });
    return {
      end: async () => {
        await this.sample();
        const figures = new Map<string, ProcessFigures>();
        for (const [name, sample] of this.latest) {
          figures.set(name, {
            cpuSeconds: sample.cpuSeconds - (before.get(name)?.cpuSeconds ?? sample.cpuSeconds),
            peakRssMiB: (this.peakSince.get(name)?.rss ?? sample.rssBytes) / MIB,
            peakHeapUsedMiB: (this.peakSince.get(name)?.heap ?? sample.heapUsedBytes) / MIB,
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
