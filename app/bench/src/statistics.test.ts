import { countInto, quantile, summarize } from "./statistics";

describe("latency statistics", () => {
  it("when quantiles are taken, then they are nearest-rank values of the data", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 1)).toBe(100);
    expect(quantile([7], 0.99)).toBe(7);
  });

  it("when values come unsorted, then the summary sorts them and keeps the input as it was", () => {
    const values = [30, 10, 20, 40];
    expect(summarize(values)).toEqual({ count: 4, p50: 20, p95: 40, p99: 40, max: 40 });
    expect(values).toEqual([30, 10, 20, 40]);
  });

  it("when there is nothing to summarize, then the figures are NaN rather than zero", () => {
    const summary = summarize([]);
    expect(summary.count).toBe(0);
    expect(summary.p99).toBeNaN();
    expect(summary.max).toBeNaN();
  });

  it("when errors are counted by kind, then each kind keeps its own count", () => {
    const counts: Record<string, number> = {};
    countInto(counts, "http 503");
    countInto(counts, "timeout");
    countInto(counts, "http 503");
    expect(counts).toEqual({ "http 503": 2, timeout: 1 });
  });
});
