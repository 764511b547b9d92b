import { benchResult, figures } from "./bench-result.fixture";
import type { BenchResult } from "./report";
import { TARGETS, targetsOf } from "./targets";

const verdicts = (result: Omit<BenchResult, "targets">) =>
  Object.fromEntries(targetsOf(result).map((t) => [t.target.split(" ").slice(0, 3).join(" "), t.met]));

describe("the targets table", () => {
  it("when every figure is within its target, then each row is met", () => {
    const table = targetsOf(benchResult());
    expect(table.map((t) => t.met)).toEqual([true, true, true, true, true, true, true, true, true]);
    expect(table[0]!.measured).toBe("600.0/s = 20.0% of 3000 tx/s");
    expect(table[1]!.measured).toBe("1.50 ms (gateway 0.67, messaging 0.50, notification 0.33)");
    expect(table[4]!.measured).toBe("highest 147 MB (messaging)");
    expect(table[5]!.measured).toBe("19.5 KB at 19000 streams (gateway 12.3, notification 7.2)");
    expect(table[6]!.measured).toBe("1500 ms to the last of 19000 streams");
  });

  it("when throughput is high but below 15% of the raw substrate, then the throughput target is not met", () => {
    const result = benchResult();
    result.ratios.toRawSubstrate = 0.14;
    expect(verdicts(result)["sustained throughput ≥"]).toBe(false);
  });

  it("when the services spend more than 1.6 ms per send, then the CPU target is not met", () => {
    const result = benchResult();
    result.cpuPerSend = { msPerUnit: { gateway: 1.7 }, servicesMs: 1.7 };
    expect(verdicts(result)["the services' CPU"]).toBe(false);
  });

  it("when p99 at half the rate is over 100 ms though under 250, then only that latency target fails", () => {
    const result = benchResult();
    result.half!.deliveryLatencyMs.p99 = 180;
    const table = targetsOf(result);
    expect(table[2]!.met).toBe(true);
    expect(table[3]!.met).toBe(false);
    expect(table[3]!.measured).toBe("180 ms at 300/s");
  });

  it("when a service's RSS reaches 150 MB, then the memory target names it and is not met", () => {
    const result = benchResult();
    result.hold!.processes.gateway = figures(4, 160);
    const row = targetsOf(result)[4]!;
    expect(row).toMatchObject({ measured: "highest 168 MB (gateway)", met: false });
  });

  it("when delivery to (nearly) 20 000 idle streams takes 2 s or more, then that target is not met", () => {
    const result = benchResult();
    const largest = result.curves.idleStreams!.points[1]!;
    largest.streams = TARGETS.idleStreams;
    largest.deliveryToAllMs.max = 2100;
    expect(targetsOf(result)[6]!.met).toBe(false);
    largest.deliveryToAllMs.max = 1900;
    expect(targetsOf(result)[6]!.met).toBe(true);
    largest.missing = 1;
    expect(targetsOf(result)[6]!.met).toBe(false);
  });

  it("when idle streams grow memory by 20 KB each, then the per-stream memory target is not met", () => {
    const result = benchResult();
    result.curves.idleStreams!.points[1]!.rssKiBPerStream.notification = 8;
    expect(targetsOf(result)[5]!.met).toBe(false);
  });

  it("when the platform failed on the way to 20 000 idle streams, then delivery to all is not met and says why", () => {
    const result = benchResult();
    result.curves.idleStreams!.failed = { streams: 20000, reason: "gateway exited (SIGABRT)" };
    expect(targetsOf(result)[6]).toMatchObject({
      measured: "the platform failed at 20000 streams: gateway exited (SIGABRT)",
      met: false,
    });
  });

  it("when the largest idle-stream point is far below 20 000, then delivery to all is not judged", () => {
    const result = benchResult();
    result.curves.idleStreams!.points.pop();
    expect(targetsOf(result)[6]).toMatchObject({
      measured: "200 ms to the last of 1000 streams (too few streams to judge)",
      met: undefined,
    });
  });

  it("when a delivery was lost or repeated, then the no-loss target is not met", () => {
    const result = benchResult();
    result.duplicateDeliveries = 1;
    expect(targetsOf(result)[7]).toMatchObject({ measured: "0 lost, 1 duplicated", met: false });
  });

  it("when nothing held or nothing was measured, then the rows say so instead of guessing", () => {
    const result = { ...benchResult(), hold: undefined, half: undefined, cpuPerSend: undefined, curves: {} };
    const table = targetsOf(result);
    expect(table[0]).toMatchObject({ measured: "no step kept up", met: false });
    expect(table[1]).toMatchObject({ measured: "not measured", met: undefined });
    expect(table[4]!.met).toBeUndefined();
    expect(table[5]).toMatchObject({ measured: "not run", met: undefined });
  });
});
