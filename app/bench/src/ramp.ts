import type { PhaseResult } from "./platform-phase";

/** The rates of the ramp: `start`, then each step `factor` times the last, rounded. */
export function rampRates(start: number, factor: number, steps: number): number[] {
  const rates: number[] = [];
  for (let rate = start; rates.length < steps; rate *= factor) {
    const rounded = Math.round(rate);
    if (rounded !== rates[rates.length - 1]) rates.push(rounded);
  }
  return rates;
}

/**
 * The rate halfway between the highest that kept up and the lowest that fell behind, or
 * undefined once they are within 5% (or 2 sends/s) of each other.
 */
export function refinedRate(kept: number, fell: number): number | undefined {
  if (fell - kept <= Math.max(2, kept * 0.05)) return undefined;
  return Math.round((kept + fell) / 2);
}

/** Why a phase did not keep up (empty when it did): errors, deliveries behind, rate or latency slipping. */
export function shortfalls(phase: PhaseResult, behindP99Ms: number): string[] {
  const reasons: string[] = [];
  const errors = Object.values(phase.errors).reduce((sum, n) => sum + n, 0);
  if (errors > 0) reasons.push(`${errors} failed sends`);
  if (phase.behind > 0) reasons.push(`${phase.behind} deliveries not live in time`);
  if (phase.acceptedPerS < phase.targetRate * 0.95)
    reasons.push(`accepted ${phase.acceptedPerS.toFixed(1)}/s of ${phase.targetRate}/s`);
  if (phase.deliveryLatencyMs.p99 > behindP99Ms)
    reasons.push(`p99 delivery ${Math.round(phase.deliveryLatencyMs.p99)} ms > ${behindP99Ms} ms`);
  return reasons;
}
