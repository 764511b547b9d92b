import { arrivalCount, arrivalOffset, runClosedLoop, runOpenLoop } from "./open-loop";

describe("load loops", () => {
  it("when arrivals are planned at a fixed rate, then they are evenly spaced and cover the window", () => {
    expect(arrivalOffset(0, 50)).toBe(0);
    expect(arrivalOffset(5, 50)).toBe(100);
    expect(arrivalCount(50, 1000)).toBe(50);
    expect(arrivalCount(3, 500)).toBe(2);
    expect(arrivalCount(1, 10)).toBe(1);
  });

  it("when a call never answers quickly, then later arrivals still fire on schedule (open loop)", async () => {
    const scheduled: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    await runOpenLoop(100, 200, async (at) => {
      scheduled.push(at);
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 150));
      running -= 1;
    });
    expect(scheduled).toHaveLength(20);
    // Due times are the plan's, not the moments the loop got round to them.
    for (let i = 1; i < scheduled.length; i += 1)
      expect(scheduled[i]! - scheduled[i - 1]!).toBeCloseTo(10, 6);
    // Slow answers did not hold new sends back: many were in flight together.
    expect(mostAtOnce).toBeGreaterThan(5);
  });

  it("when callers loop closed, then each waits for its own call and there are never more than the workers", async () => {
    let running = 0;
    let mostAtOnce = 0;
    let calls = 0;
    await runClosedLoop(3, 50, async () => {
      calls += 1;
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    });
    expect(mostAtOnce).toBe(3);
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});
