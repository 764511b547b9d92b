import { cpuCostPer } from "../cpu-cost";
import { DeliveryLedger } from "../deliveries";
import type { PhaseContext, PhaseResult } from "../platform-phase";
import { createPopulation } from "../population";
import type { ProcessSampler } from "../process-sampler";
import { type RampProfile, findSustainedRate, waitForAll } from "../sustained-rate";

export interface FanOutSettings {
  groupSizes: number[];
  /** Each size's ramp starts at this many deliveries a second (sends/s × recipients). */
  startDeliveriesPerS: number;
  ramp: Omit<RampProfile, "startRate">;
}

export interface FanOutPoint {
  groupSize: number;
  /** The highest step that kept up; undefined when even the first fell behind. */
  sustained:
    | {
        sendsPerS: number;
        deliveriesPerS: number;
        deliveryP99Ms: number;
        /** The services' CPU per live delivery (undefined with --url). */
        cpuMsPerDelivery: number | undefined;
      }
    | undefined;
  steps: number;
  /** Whether a step fell behind; if none did, the ramp ran out of steps and the rate is a lower bound. */
  fellBehind: boolean;
  lost: number;
  duplicates: number;
}

/**
 * The cost of fan-out: for each group size, a group of that many members, each with a live
 * stream, and a short ramp of sends from its members (round robin) until delivery falls behind.
 */
export async function fanOutCurve(options: {
  gatewayUrl: string;
  sampler: ProcessSampler | undefined;
  settings: FanOutSettings;
  drainMs: number;
  report: (phase: PhaseResult, verdict: string) => void;
  print: (text: string) => void;
}): Promise<FanOutPoint[]> {
  const { gatewayUrl, settings } = options;
  const points: FanOutPoint[] = [];
  for (const groupSize of settings.groupSizes) {
    options.print(`fan-out: a group of ${groupSize}`);
    const population = await createPopulation(gatewayUrl, { directPairs: 0, groups: 1, groupSize });
    try {
      const ledger = new DeliveryLedger(population);
      const context: PhaseContext = {
        gatewayUrl,
        population,
        ledger,
        sampler: options.sampler,
        outboxBacklog: undefined,
        drainMs: options.drainMs,
        allSends: [],
      };
      const startRate = Math.max(1, Math.round(settings.startDeliveriesPerS / (groupSize - 1)));
      const { steps, heldRate } = await findSustainedRate(
        context,
        { ...settings.ramp, startRate },
        options.report,
        `${groupSize}: `,
      );
      const best = steps.find((step) => step.targetRate === heldRate && step.shortfalls.length === 0);
      const lost = await waitForAll(ledger, context.allSends, 15_000);
      points.push({
        groupSize,
        sustained: best && {
          sendsPerS: best.acceptedPerS,
          deliveriesPerS: best.deliveredPerS,
          deliveryP99Ms: best.deliveryLatencyMs.p99,
          cpuMsPerDelivery: cpuCostPer(best.processes, best.deliveryLatencyMs.count)?.servicesMs,
        },
        steps: steps.length,
        fellBehind: steps.some((step) => step.shortfalls.length > 0),
        lost,
        duplicates: ledger.duplicates,
      });
    } finally {
      population.close();
    }
  }
  return points;
}
