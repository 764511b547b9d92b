import { cpuSecondsOfStat } from "./host-processes";

describe("CPU time from /proc", () => {
  it("when a stat line is read, then user and system ticks add up to seconds", () => {
    const stat =
      "2215 (postgres) S 1 2215 2215 0 -1 4194560 4711 0 0 0 1250 375 0 0 20 0 1 0 3456 230000000 6000";
    expect(cpuSecondsOfStat(stat)).toBeCloseTo(16.25, 10);
  });

  it("when the process name holds spaces and brackets, then the fields after it are still found", () => {
    const stat = "42 (a (b) c) R 1 42 42 0 -1 0 0 0 0 0 300 200 0 0 20 0 1 0 1 1 1";
    expect(cpuSecondsOfStat(stat)).toBeCloseTo(5, 10);
  });
});
