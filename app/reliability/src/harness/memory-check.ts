import { parseMetrics, total } from "@parley/test-support";

export interface Memory {
  heapUsed: number;
  rss: number;
}

const MIB = 1024 * 1024;

/** Heap growth a process may keep after the soak (beyond half its baseline again). */
const HEAP_ALLOWANCE = 16 * MIB;

/** Heap in use and resident memory of one process, from its /metrics page. */
export function memoryFrom(metricsText: string): Memory {
  const { samples } = parseMetrics(metricsText);
  return {
    heapUsed: total(samples, "nodejs_heap_size_used_bytes"),
    rss: total(samples, "process_resident_memory_bytes"),
  };
}

/** Heap in use and resident memory of one process, read from its admin port's /metrics. */
export async function memoryOf(adminPort: number): Promise<Memory> {
  return memoryFrom(await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text());
}

/**
 * The processes whose heap did not come back after the soak: more than half their baseline again
 * plus an allowance. A figure that could not be read is a problem too, never a pass.
 */
export function heapProblems(baseline: Map<string, Memory>, after: Map<string, Memory>): string[] {
  const problems: string[] = [];
  for (const [name, before] of baseline) {
    const now = after.get(name);
    const limit = before.heapUsed * 1.5 + HEAP_ALLOWANCE;
    if (!now || !Number.isFinite(before.heapUsed) || !Number.isFinite(now.heapUsed))
      problems.push(
        `${name}: heap in use could not be read (${before.heapUsed} before, ${now?.heapUsed} after)`,
      );
    else if (now.heapUsed > limit)
      problems.push(
        `${name}: heap ${(now.heapUsed / MIB).toFixed(1)} MiB after, limit ${(limit / MIB).toFixed(1)}`,
      );
  }
  return problems;
}
