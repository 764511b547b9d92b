import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  OtlpSink,
  dropLauncherDatabase,
  eventually,
  runReadmeWalkthrough,
  testDatabaseUrl,
  uniqueName,
  walkthroughNotifications,
} from "@parley/test-support";
import { repositoryRoot } from "./platform";

describe("npm start as the README describes it (real processes)", () => {
  const database = uniqueName("parley_walkthrough");
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${database}`;
  const collector = new OtlpSink();
  const launcherOutput: string[] = [];
  let launcher: ChildProcess;
  let gateway: string | undefined;
  let walkthroughOutput = "";

  beforeAll(async () => {
    // As a reader would type it: `OTEL_EXPORTER_OTLP_ENDPOINT=... LOG_LEVEL=warn npm start`.
    const endpoint = await collector.start();
    launcher = spawn(process.execPath, [join(repositoryRoot, "app", "launcher", "dist", "main.js")], {
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        HTTP_PORT: "0",
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_BSP_SCHEDULE_DELAY: "200",
        // Were metrics or logs pushed, they would arrive within the test.
        OTEL_METRIC_EXPORT_INTERVAL: "300",
        OTEL_BLRP_SCHEDULE_DELAY: "200",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    createInterface({ input: launcher.stdout! }).on("line", (line) => launcherOutput.push(line));
    await eventually(
      () => {
        gateway = launcherOutput
          .map((line) => /Parley is running at (http:\/\/\S+)/.exec(line)?.[1])
          .find(Boolean);
        return gateway !== undefined;
      },
      60_000,
      100,
    );
    if (gateway) walkthroughOutput = await runReadmeWalkthrough(gateway);
  }, 90_000);

  afterAll(async () => {
    launcher.kill("SIGINT");
    await new Promise((resolve) => launcher.once("exit", resolve));
    await collector.stop();
    await dropLauncherDatabase(database);
  });

  it("when the Try it block is pasted into a shell, then Bob's stream shows Ada's message", () => {
    expect(gateway).toBeDefined();
    expect(walkthroughOutput).toContain('"body":"Hi Bob 👋"');
    for (const pattern of walkthroughNotifications) expect(walkthroughOutput).toMatch(pattern);
  });

  it("when OTEL_EXPORTER_OTLP_ENDPOINT is set in the shell, then every service exports its spans there", async () => {
    const services = ["auth", "gateway", "messaging", "notification"];
    await eventually(() => collector.traceExporters().length >= services.length, 10_000, 100);
    expect(collector.traceExporters()).toEqual(services);
    expect(collector.exports.find((e) => e.path === "/v1/traces")?.contentType).toBe(
      "application/x-protobuf",
    );
  });

  it("when the services export telemetry, then they push spans only (Prometheus scrapes metrics, the agent reads logs)", () => {
    expect(collector.exports.length).toBeGreaterThan(0);
    expect([...new Set(collector.exports.map((e) => e.path))]).toEqual(["/v1/traces"]);
  });

  it("when LOG_LEVEL is set in the shell, then the services log at that level", () => {
    const serviceLines = launcherOutput.filter((line) =>
      /^(gateway|auth|messaging|notification) +\|/.test(line),
    );
    expect(serviceLines.filter((line) => / INFO /.test(line))).toEqual([]);
  });
});
