import { heapProblems, memoryFrom } from "./memory-check";

const MIB = 1024 * 1024;

/** A /metrics page as prom-client writes it for us: every series carries the service label. */
const page = (service: string, heapMiB: number, rssMiB: number) =>
  [
    "# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.",
    "# TYPE nodejs_heap_size_used_bytes gauge",
    `nodejs_heap_size_used_bytes{service="${service}"} ${heapMiB * MIB}`,
    "# TYPE nodejs_heap_size_used_bytes_total gauge",
    `nodejs_heap_size_used_bytes_total{service="${service}"} 1`,
    "# TYPE process_resident_memory_bytes gauge",
    `process_resident_memory_bytes{service="${service}"} ${rssMiB * MIB}`,
  ].join("\n");

describe("the soak's memory check", () => {
  it("reads heap and RSS from labelled series (they read as NaN before, and NaN passed)", () => {
    expect(memoryFrom(page("messaging", 40, 150))).toEqual({ heapUsed: 40 * MIB, rss: 150 * MIB });
  });

  it("fails a process whose heap grew past half its baseline again plus the allowance", () => {
    const baseline = new Map([
      ["messaging", memoryFrom(page("messaging", 40, 150))],
      ["gateway", memoryFrom(page("gateway", 30, 120))],
    ]);
    const after = new Map([
      ["messaging", memoryFrom(page("messaging", 90, 260))],
      ["gateway", memoryFrom(page("gateway", 40, 125))],
    ]);
    const problems = heapProblems(baseline, after);
    expect(problems).toEqual(["messaging: heap 90.0 MiB after, limit 76.0"]);
  });

  it("passes processes whose heap came back within the limit", () => {
    const baseline = new Map([["auth", memoryFrom(page("auth", 40, 150))]]);
    expect(heapProblems(baseline, new Map([["auth", memoryFrom(page("auth", 75, 160))]]))).toEqual([]);
  });

  it("fails, rather than passes, when a figure cannot be read", () => {
    const baseline = new Map([["notification", memoryFrom(page("notification", 40, 150))]]);
    const unreadable = new Map([["notification", memoryFrom("process_cpu_seconds_total 3")]]);
    expect(heapProblems(baseline, unreadable)).toEqual([
      expect.stringContaining("notification: heap in use could not be read"),
    ]);
    expect(heapProblems(baseline, new Map())).toHaveLength(1);
  });
});
