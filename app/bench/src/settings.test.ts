import { UsageError, parseArguments } from "./settings";

const parse = (...args: string[]) => parseArguments(args, "/repo");

describe("the benchmark's command line", () => {
  it("when no option is given, then the full form runs with results under .local/bench", () => {
    const settings = parse();
    expect(settings).toMatchObject({ mode: "full", url: undefined, outDir: "/repo/.local/bench" });
  });

  it("when --quick and a shape are given, then the quick form runs with that shape", () => {
    const settings = parse(
      "--quick",
      "--groups",
      "3",
      "--group-size",
      "10",
      "--url",
      "http://127.0.0.1:8080/",
    );
    expect(settings).toMatchObject({
      mode: "quick",
      url: "http://127.0.0.1:8080",
      shape: { groups: 3, groupSize: 10 },
    });
  });

  it("when node options are given, then each becomes its own argument", () => {
    expect(parse("--node-args", "--max-old-space-size=96  --trace-gc")).toMatchObject({
      nodeArgs: ["--max-old-space-size=96", "--trace-gc"],
    });
  });

  it("when --help is asked for, then nothing runs", () => {
    expect(parse("--quick", "--help")).toBe("help");
  });

  it.each([
    [["--groups", "many"], "--groups needs a whole number from 0 to 100"],
    [["--group-size", "1"], "--group-size needs a whole number from 2 to 100"],
    [["--url", "localhost:8080"], "--url needs the gateway's base URL"],
    [["--url"], "--url needs the gateway's base URL"],
    [["--rate", "5"], "unknown option --rate"],
    [["--cpu-prof"], "--cpu-prof needs a folder"],
    [["--url", "http://h:1", "--cpu-prof", "p"], "not to --url"],
    [["--node-args", "max-old-space-size=9"], "--node-args needs node options"],
    [["--direct", "0", "--groups", "0"], "at least one conversation is needed"],
  ])("when given %j, then it is refused with a reason", (args, reason) => {
    expect(() => parse(...args)).toThrow(UsageError);
    expect(() => parse(...args)).toThrow(reason);
  });
});
