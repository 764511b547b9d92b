import { cpuCostPer } from "./cpu-cost";
import type { ProcessFigures } from "./process-sampler";

const figures = (cpuSeconds: number, service = true): ProcessFigures => ({
  service,
  cpuSeconds,
  peakRssMiB: 100,
  peakHeapUsedMiB: 50,
  lowHeapUsedMiB: 40,
});

describe("CPU per unit of work", () => {
  it("when processes spent CPU on sends, then each gets its share and the services a total without the others", () => {
    const cost = cpuCostPer(
      { gateway: figures(2), messaging: figures(1.5), "PostgreSQL backends": figures(3, false) },
      1000,
    );
    expect(cost!.msPerUnit).toEqual({ gateway: 2, messaging: 1.5, "PostgreSQL backends": 3 });
    expect(cost!.servicesMs).toBeCloseTo(3.5, 10);
  });

  it("when nothing was done or no service was measured, then there is no cost to give", () => {
    expect(cpuCostPer({ gateway: figures(2) }, 0)).toBeUndefined();
    expect(cpuCostPer({ "load generator": figures(1, false) }, 10)).toBeUndefined();
    expect(cpuCostPer({}, 10)).toBeUndefined();
  });
});
