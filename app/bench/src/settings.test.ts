import { type Settings, UsageError, parseArguments } from "./settings";

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

  it("when no curve is named, then all run, at tiny sizes in the quick form", () => {
    expect(parse()).toMatchObject({
      curves: ["fanout", "streams", "history"],
      fanOut: { groupSizes: [2, 10, 50, 200] },
      idleStreams: { counts: [1000, 5000, 20000] },
      history: { messages: 100000 },
    });
    const quick = parse("--quick") as Settings;
    expect(Math.max(...quick.idleStreams.counts)).toBeLessThanOrEqual(100);
    expect(quick.history.messages).toBeLessThanOrEqual(2000);
  });

  it("when curves and their points are given, then those run, the points in order without repeats", () => {
    expect(
      parse(
        "--curves",
        "history,fanout",
        "--group-sizes",
        "50,2,50",
        "--streams",
        "20000,1000",
        "--history",
        "5000",
      ),
    ).toMatchObject({
      curves: ["fanout", "history"],
      fanOut: { groupSizes: [2, 50] },
      idleStreams: { counts: [1000, 20000] },
      history: { messages: 5000 },
    });
    expect(parse("--curves", "none")).toMatchObject({ curves: [] });
    expect(parse("--curves", "all")).toMatchObject({ curves: ["fanout", "streams", "history"] });
  });

  it("when a gateway is given by URL, then no curve runs unless asked, and asking is refused", () => {
    expect(parse("--url", "http://h:1")).toMatchObject({ curves: [] });
    expect(parse("--url", "http://h:1", "--curves", "none")).toMatchObject({ curves: [] });
    expect(() => parse("--url", "http://h:1", "--curves", "streams")).toThrow("not --url");
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
    [["--curves", "fanout,speed"], "--curves needs all, none or a list of fanout, streams, history"],
    [["--curves"], "--curves needs all, none or a list"],
    [["--group-sizes", "1,10"], "--group-sizes needs a whole number from 2 to 256"],
    [["--streams", "1000,lots"], "--streams needs a whole number"],
    [["--history", "0"], "--history needs a whole number from 1"],
  ])("when given %j, then it is refused with a reason", (args, reason) => {
    expect(() => parse(...args)).toThrow(UsageError);
    expect(() => parse(...args)).toThrow(reason);
  });
});
