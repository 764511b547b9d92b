import type { PhaseResult } from "./platform-phase";
import { rampRates, refinedRate, shortfalls } from "./ramp";
import { summarize } from "./statistics";

const phase = (changes: Partial<PhaseResult> = {}): PhaseResult => ({
  name: "step 1",
  targetRate: 100,
  durationS: 10,
  sends: 1000,
  acceptedPerS: 100,
  deliveredPerS: 160,
  httpLatencyMs: summarize([5, 6, 7]),
  deliveryLatencyMs: summarize([20, 30, 40]),
  errors: {},
  behind: 0,
  duplicates: 0,
  processes: {},
  outboxBacklog: 0,
  ...changes,
});

describe("the ramp", () => {
  it("when rates are stepped up, then each is the factor times the last, rounded, without repeats", () => {
    expect(rampRates(20, 1.5, 5)).toEqual([20, 30, 45, 68, 101]);
    expect(rampRates(1, 1.2, 4)).toEqual([1, 2, 3, 4]);
  });

  it("when a step fell behind, then the next tries halfway back until the two are within 5%", () => {
    expect(refinedRate(163, 212)).toBe(188);
    expect(refinedRate(188, 212)).toBe(200);
    expect(refinedRate(200, 206)).toBeUndefined();
    expect(refinedRate(10, 12)).toBeUndefined();
  });

  it("when a step kept up, then it has no shortfalls", () => {
    expect(shortfalls(phase(), 1000)).toEqual([]);
  });

  it("when a step had errors, missed deliveries, slipped its rate or its latency, then each reason is named", () => {
    const reasons = shortfalls(
      phase({
        errors: { "http 503": 2, timeout: 1 },
        behind: 4,
        acceptedPerS: 80,
        deliveryLatencyMs: summarize([20, 1500]),
      }),
      1000,
    );
    expect(reasons).toEqual([
      "3 failed sends",
      "4 deliveries not live in time",
      "accepted 80.0/s of 100/s",
      "p99 delivery 1500 ms > 1000 ms",
    ]);
  });
});
