import { DESCRIPTOR_RESERVE, parseLimits, streamCapacity } from "./open-file-limit";

describe("open-file limits", () => {
  it("when ulimit answers, then both limits are read, unlimited as infinite", () => {
    expect(parseLimits("1024\n524288\n")).toEqual({ soft: 1024, hard: 524288 });
    expect(parseLimits("20000\nunlimited\n")).toEqual({ soft: 20000, hard: Infinity });
    expect(() => parseLimits("")).toThrow("unexpected ulimit output");
  });

  it("when streams are planned, then the reserve for everything else is kept", () => {
    expect(streamCapacity({ soft: 20000, hard: 20000 })).toBe(20000 - DESCRIPTOR_RESERVE);
    expect(streamCapacity({ soft: 256, hard: 256 })).toBe(0);
  });
});
