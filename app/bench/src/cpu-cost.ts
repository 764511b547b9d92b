import type { ProcessFigures } from "./process-sampler";

/** CPU milliseconds per unit of work (a send, a delivery), by process and for the services together. */
export interface CpuCost {
  /** Every measured process: the services, and beside them the servers and the load generator where measured. */
  msPerUnit: Record<string, number>;
  /** The Parley services' sum. */
  servicesMs: number;
}

/** The CPU the processes spent in a phase, divided over the units of work it did; undefined without either. */
export function cpuCostPer(processes: Record<string, ProcessFigures>, units: number): CpuCost | undefined {
  const entries = Object.entries(processes);
  if (!entries.some(([, figures]) => figures.service) || !(units > 0)) return undefined;
  const msPerUnit = Object.fromEntries(
    entries.map(([name, figures]) => [name, (figures.cpuSeconds * 1000) / units]),
  );
  const servicesMs = entries
    .filter(([, figures]) => figures.service)
    .reduce((sum, [name]) => sum + msPerUnit[name]!, 0);
  return { msPerUnit, servicesMs };
}
