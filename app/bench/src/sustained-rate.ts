import { eventually } from "@parley/test-support";
import type { DeliveryLedger, SendRecord } from "./deliveries";
import { type PhaseContext, type PhaseResult, runPhase } from "./platform-phase";
import { rampRates, refinedRate, shortfalls } from "./ramp";

/** How a ramp steps: first rate, factor between steps, most steps, each step's length, refinements. */
export interface RampProfile {
  startRate: number;
  stepFactor: number;
  maxSteps: number;
  stepMs: number;
  /** Steps halfway between the last rate that kept up and the first that fell behind. */
  refineSteps: number;
  /** A step whose p99 send-to-delivery latency is above this has fallen behind. */
  behindP99Ms: number;
}

export type JudgedPhase = PhaseResult & { shortfalls: string[] };

/**
 * The longest wait for what earlier phases left behind before the next starts: a failed 30-second
 * hold can leave thousands of sends in the outbox, which would sink the next phase too.
 */
export const SETTLE_MS = 120_000;

/** Waits until every accepted send reached every recipient, or the time is up; returns what is missing. */
export async function waitForAll(
  ledger: DeliveryLedger,
  sends: SendRecord[],
  timeoutMs: number,
): Promise<number> {
  const missing = () => {
    ledger.collect();
    return ledger.deliveriesOf(sends).missing;
  };
  await eventually(() => missing() === 0, timeoutMs, 100);
  return missing();
}

/**
 * Steps the rate up until a step falls behind, then bisects between the last rate that kept up
 * and the first that did not; returns every step and the highest rate that kept up.
 */
export async function findSustainedRate(
  context: PhaseContext,
  ramp: RampProfile,
  report: (phase: PhaseResult, verdict: string) => void,
  namePrefix = "",
): Promise<{ steps: JudgedPhase[]; heldRate: number | undefined }> {
  const steps: JudgedPhase[] = [];
  let heldRate: number | undefined;
  const step = async (name: string, rate: number) => {
    // Whatever the last step left behind is delivered first, so each step starts even.
    await waitForAll(context.ledger, context.allSends, SETTLE_MS);
    const phase = await runPhase(context, `${namePrefix}${name}`, rate, ramp.stepMs);
    const reasons = shortfalls(phase, ramp.behindP99Ms);
    steps.push({ ...phase, shortfalls: reasons });
    report(phase, reasons.length ? `(fell behind: ${reasons.join("; ")})` : "");
    return reasons.length === 0;
  };
  let fellAt: number | undefined;
  for (const [index, rate] of rampRates(ramp.startRate, ramp.stepFactor, ramp.maxSteps).entries()) {
    if (!(await step(`step ${index + 1}`, rate))) {
      fellAt = rate;
      break;
    }
    heldRate = rate;
  }
  for (let refinement = 1; refinement <= ramp.refineSteps; refinement += 1) {
    const rate = heldRate !== undefined && fellAt !== undefined ? refinedRate(heldRate, fellAt) : undefined;
    if (rate === undefined) break;
    if (await step(`refine ${refinement}`, rate)) heldRate = rate;
    else fellAt = rate;
  }
  return { steps, heldRate };
}

/**
 * Holds `rate` for the measured window. A rate found in a short step can be too close to the
 * edge to last the longer window; then the hold is tried again a tenth lower, up to three times
 * (the failed tries join `steps`, so the table shows them).
 */
export async function holdSustainedRate(
  context: PhaseContext,
  ramp: RampProfile,
  holdMs: number,
  rate: number,
  steps: JudgedPhase[],
  report: (phase: PhaseResult, verdict: string) => void,
): Promise<JudgedPhase> {
  for (let attempt = 1; ; attempt += 1) {
    await waitForAll(context.ledger, context.allSends, SETTLE_MS);
    const phase = await runPhase(context, attempt === 1 ? "hold" : `hold ${attempt}`, rate, holdMs);
    const hold = { ...phase, shortfalls: shortfalls(phase, ramp.behindP99Ms) };
    report(phase, hold.shortfalls.length ? `(did not hold: ${hold.shortfalls.join("; ")})` : "");
    if (hold.shortfalls.length === 0 || attempt === 3) return hold;
    steps.push(hold);
    rate = Math.max(1, Math.round(rate * 0.9));
  }
}
