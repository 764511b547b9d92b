import { backoffDelay } from "./index";

describe("backoffDelay (exponential, full jitter)", () => {
  const backoff = { baseMs: 100, maxMs: 1000 };

  it("doubles the window with each attempt up to the ceiling", () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5, 60].map((attempt) => backoffDelay(attempt, backoff, top))).toEqual([
      99, 199, 399, 799, 999, 999, 999,
    ]);
  });

  it("draws anywhere in the window, down to no wait at all", () => {
    expect(backoffDelay(3, backoff, () => 0)).toBe(0);
    expect(backoffDelay(3, backoff, () => 0.5)).toBe(400);
  });

  it("stays within the window for real random draws", () => {
    const delays = Array.from({ length: 1000 }, () => backoffDelay(2, backoff));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(400);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });
});
