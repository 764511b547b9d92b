import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { type LoadedRule, loadRules, observabilityDir, promtoolTestOf, ruleFiles } from "./support/rules";

// Each rule file is checked and unit-tested by promtool (the Debian package `prometheus`, which
// observability/ci-setup.sh installs), and every alert follows one shape.
const promtool = (...args: string[]) =>
  execFileSync("promtool", args, {
    cwd: observabilityDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
const rules = loadRules();
const alerts = rules.filter((r) => r.alert !== undefined);
const testFiles = readdirSync(path.join(observabilityDir, "tests/promtool"))
  .filter((f) => f.endsWith(".test.yaml"))
  .map((f) => `tests/promtool/${f}`);

describe.each(ruleFiles())("rule file %s", (file) => {
  it("passes promtool check rules", () => {
    expect(promtool("check", "rules", file)).toContain("SUCCESS");
  });

  it("has a promtool test file that passes", () => {
    expect(testFiles).toContain(promtoolTestOf(file));
    expect(promtool("test", "rules", promtoolTestOf(file))).toContain("SUCCESS");
  });
});

describe("the promtool tests", () => {
  it("belong to a rule file each", () => {
    expect(testFiles.sort()).toEqual(ruleFiles().map(promtoolTestOf).sort());
  });

  const cases = testFiles.flatMap(
    (file) =>
      parse(readFileSync(path.join(observabilityDir, file), "utf8")).tests as {
        alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
      }[],
  );
  const alertCases = cases.flatMap((c) => c.alert_rule_test ?? []) as {
    alertname: string;
    exp_alerts?: unknown[];
  }[];

  it.each([...new Set(alerts.map((a) => a.alert!))])(
    "show that %s fires on bad series and stays quiet",
    (name) => {
      const ofAlert = alertCases.filter((c) => c.alertname === name);
      expect(ofAlert.some((c) => (c.exp_alerts ?? []).length > 0)).toBe(true);
      expect(ofAlert.some((c) => (c.exp_alerts ?? []).length === 0)).toBe(true);
    },
  );
});

/** GitHub's anchor of a Markdown heading. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-");

function shapeProblems(rule: LoadedRule): string[] {
  const at = `${rule.file} ${rule.alert}`;
  const problems: string[] = [];
  if (!/^(Parley|RabbitMQ|PostgreSQL)[A-Z][A-Za-z]+$/.test(rule.alert!))
    problems.push(`${at}: not CamelCase with a component prefix`);
  if (!["critical", "warning"].includes(rule.labels?.severity ?? ""))
    problems.push(`${at}: severity is not critical or warning`);
  if (rule.for === undefined) problems.push(`${at}: no explicit for`);
  for (const key of ["summary", "description", "runbook_url"])
    if (!rule.annotations?.[key]) problems.push(`${at}: no ${key}`);
  if (rule.annotations?.summary?.includes("{{")) problems.push(`${at}: the summary is not fixed`);
  const runbook =
    /^https:\/\/github\.com\/parley-messaging\/parley\/blob\/main\/(observability\/runbooks\/[a-z-]+\.md)#([a-z0-9-]+)$/.exec(
      rule.annotations?.runbook_url ?? "",
    );
  if (!runbook) problems.push(`${at}: runbook_url is not a runbook of this repository`);
  else {
    const file = path.join(observabilityDir, "..", runbook[1]!);
    const headings = existsSync(file)
      ? [...readFileSync(file, "utf8").matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1]!))
      : [];
    if (!headings.includes(runbook[2]!)) problems.push(`${at}: ${runbook[1]} has no section #${runbook[2]}`);
  }
  return problems;
}

describe("every alert", () => {
  it("has a prefixed CamelCase name, a severity, a for, a fixed summary, a description and a runbook section", () => {
    expect(alerts.flatMap(shapeProblems)).toEqual([]);
  });

  it("is named in the observability README", () => {
    const readme = readFileSync(path.join(observabilityDir, "README.md"), "utf8");
    expect(
      [...new Set(alerts.map((a) => a.alert!))].filter((name) => !readme.includes(`\`${name}\``)),
    ).toEqual([]);
  });

  it("shape check catches a missing runbook section and a templated summary", () => {
    const serviceDown = alerts.find((a) => a.alert === "ParleyServiceDown")!;
    const broken = {
      ...serviceDown,
      annotations: {
        ...serviceDown.annotations,
        summary: "{{ $labels.job }}",
        runbook_url: serviceDown.annotations!.runbook_url!.replace(/#.*/, "#nowhere"),
      },
    };
    expect(shapeProblems(broken)).toEqual([
      `${broken.file} ${broken.alert}: the summary is not fixed`,
      `${broken.file} ${broken.alert}: observability/runbooks/services.md has no section #nowhere`,
    ]);
  });
});

describe("every recording rule", () => {
  it("is named level:metric:operations", () => {
    const records = rules.filter((r) => r.record !== undefined && r.record !== "sloth_slo_info");
    expect(
      records.filter((r) => !/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/.test(r.record!)).map((r) => r.record),
    ).toEqual([]);
  });
});

describe("the local Prometheus configuration (prometheus/local.yaml)", () => {
  it("passes promtool check config, rule files included", () => {
    expect(promtool("check", "config", "prometheus/local.yaml")).toContain("SUCCESS");
  });

  it("loads every rule file", () => {
    const config = parse(readFileSync(path.join(observabilityDir, "prometheus/local.yaml"), "utf8"));
    const folders = (config.rule_files as string[]).map((p) => path.dirname(p.replace(/^\.\.\//, "")));
    expect([...new Set(ruleFiles().map((f) => path.dirname(f)))].sort()).toEqual(folders.sort());
  });
});
