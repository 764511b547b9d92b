import { benchResult } from "./bench-result.fixture";
import { type BenchResult, toMarkdown } from "./report";

function result(): BenchResult {
  return {
    ...benchResult(),
    targets: [
      { target: "throughput", measured: "10%", met: false },
      { target: "latency", measured: "120 ms", met: true },
      { target: "outbox", measured: "not measured", met: undefined },
    ],
  };
}

describe("the Markdown report", () => {
  const markdown = toMarkdown(result(), (curve) => `run-${curve}.svg`);

  it("when rendered, then it names the machine, every phase with its verdict, and the process figures", () => {
    expect(markdown).toContain(
      "Machine: 2 × Test CPU, 24.0 GiB, linux; Node.js 24, PostgreSQL 15, RabbitMQ 3.10",
    );
    expect(markdown).toMatch(
      /\| step 1 \| 300 \| 300 \| 450 \| 5\.0 \/ 6\.0 \/ 6\.0 \/ 6\.0 \| .* \| 0 \| 0 \| 2 \| kept up \|/,
    );
    expect(markdown).toContain("| 3 http 503 |");
    expect(markdown).toContain("3 failed sends");
    expect(markdown).toContain(
      "| step 1 | 4.0 s / 120 / 60 | 3.0 s / 140 / 70 | 2.0 s / 100 / 50 | 5.0 s / – / – |",
    );
  });

  it("when rendered, then the production heap flags are shown with where they came from", () => {
    expect(markdown).toContain("The manifests set no heap flag");
    expect(markdown).toContain(
      "| gateway | 256 | `--max-old-space-size=192` | derived from the memory limit |",
    );
  });

  it("when rendered, then CPU per send is given per service, in total for the services, and for the others beside", () => {
    expect(markdown).toContain(
      "| gateway | messaging | notification | services in total | PostgreSQL backends |\n| --- | --- | --- | --- | --- |\n" +
        "| 0.67 | 0.50 | 0.33 | **1.50** | 0.83 |",
    );
  });

  it("when rendered, then both PostgreSQL baselines, the ratios and each target's verdict are there", () => {
    expect(markdown).toContain(
      "| Raw substrate: one message row and one outbox row in a transaction, plain pg pool, 32 callers | 3000 |",
    );
    expect(markdown).toContain(
      "| PostgreSQL: the send transaction (message + outbox row) through pg | 1000 |",
    );
    expect(markdown).toContain("Platform sustained throughput ÷ raw substrate: **20.0%**");
    expect(markdown).toContain("÷ the send-transaction baseline: 60%");
    expect(markdown).toContain("**6.0×**");
    expect(markdown).toContain("| throughput | 10% | **no** |");
    expect(markdown).toContain("| latency | 120 ms | yes |");
    expect(markdown).toContain("| outbox | not measured | n/a |");
  });

  it("when curves ran, then each has its table and names its plot", () => {
    expect(markdown).toContain("## Cost curve: fan-out");
    expect(markdown).toContain("| 2 | ≥ 300 | ≥ 300 | 80 | 1.200 | 3 | 0 / 0 |");
    expect(markdown).toContain("| 200 | none kept up | – | – | – | 1 | 0 / 0 |");
    expect(markdown).toContain("Plot: `run-fanout.svg`");
    expect(markdown).toContain("**Capped:** 20000 streams asked, 19000 measured.");
    expect(markdown).toContain("| 19000 | 30.0 | 12.0 / 7.0 | 4.0 / 3.0 | 2400 | 125.0 | 700 / 1500 | 0 |");
    expect(markdown).toContain("| at the end (oldest) | 7.0 / 8.0 / 8.0 / 8.0 (3 pages) |");
    expect(markdown).toContain("Plot: `run-history.svg`");
  });

  it("when no curve ran, then there is no curve section", () => {
    expect(toMarkdown({ ...result(), curves: {} })).not.toContain("Cost curve");
  });
});
