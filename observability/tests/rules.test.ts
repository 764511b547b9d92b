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

interface PromtoolCase {
  file: string;
  alert_rule_test?: { alertname: string; exp_alerts?: { exp_labels?: Record<string, string> }[] }[];
  promql_expr_test?: { expr: string; exp_samples?: unknown[] }[];
}

const promtoolCases: PromtoolCase[] = testFiles.flatMap((file) =>
  (parse(readFileSync(path.join(observabilityDir, file), "utf8")).tests as Omit<PromtoolCase, "file">[]).map(
    (c) => ({ ...c, file }),
  ),
);

/**
 * What the promtool tests leave unproven: every alerting rule (an alert name with its severity, so
 * a page and a ticket count apart) must fire in a test of its rule file's promtool file, and its
 * alert must be expected quiet in another check there; every recording rule (a name with its
 * `quantile`, if any) must be evaluated by a promql_expr_test there that expects samples.
 */
function coverageProblems(rules: LoadedRule[], cases: PromtoolCase[]): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    const ofFile = cases.filter((c) => c.file === promtoolTestOf(rule.file));
    if (rule.alert !== undefined) {
      const checks = ofFile.flatMap((c) => c.alert_rule_test ?? []).filter((t) => t.alertname === rule.alert);
      const severity = rule.labels?.severity;
      const fires = checks.some((t) =>
        (t.exp_alerts ?? []).some((a) => severity === undefined || a.exp_labels?.severity === severity),
      );
      if (!fires) problems.push(`${rule.file} ${rule.alert} (${severity}): no test fires it`);
      if (!checks.some((t) => (t.exp_alerts ?? []).length === 0))
        problems.push(`${rule.file} ${rule.alert} (${severity}): no test keeps it quiet`);
    } else if (rule.record !== undefined) {
      const quantile = rule.labels?.quantile;
      const name = new RegExp(
        `(^|[^a-z_:])${rule.record.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z0-9_:])`,
      );
      const evaluated = ofFile
        .flatMap((c) => c.promql_expr_test ?? [])
        .some(
          (t) =>
            name.test(t.expr) &&
            (t.exp_samples ?? []).length > 0 &&
            (quantile === undefined || t.expr.includes(`quantile="${quantile}"`)),
        );
      if (!evaluated)
        problems.push(
          `${rule.file} ${rule.record}${quantile ? `{quantile="${quantile}"}` : ""}: no promql_expr_test expects its samples`,
        );
    }
  }
  return [...new Set(problems)];
}

describe("the promtool tests", () => {
  it("belong to a rule file each", () => {
    expect(testFiles.sort()).toEqual(ruleFiles().map(promtoolTestOf).sort());
  });

  it("fire every alerting rule and keep it quiet, and evaluate every recording rule", () => {
    expect(coverageProblems(rules, promtoolCases)).toEqual([]);
  });

  it("coverage check catches an alert that never fires, one never quiet, and an untested record", () => {
    const file = "alerts/example.yaml";
    const testFile = promtoolTestOf(file);
    const example: LoadedRule[] = [
      { file, group: "g", alert: "ParleyExample", expr: "up == 0", labels: { severity: "critical" } },
      { file, group: "g", alert: "ParleyExample", expr: "up == 0", labels: { severity: "warning" } },
      { file, group: "g", record: "job:up:sum", expr: "sum by (job) (up)" },
    ];
    const quietOnly: PromtoolCase[] = [
      { file: testFile, alert_rule_test: [{ alertname: "ParleyExample", exp_alerts: [] }] },
      { file: testFile, promql_expr_test: [{ expr: "job:up:sum", exp_samples: [] }] },
    ];
    expect(coverageProblems(example, quietOnly)).toEqual([
      `${file} ParleyExample (critical): no test fires it`,
      `${file} ParleyExample (warning): no test fires it`,
      `${file} job:up:sum: no promql_expr_test expects its samples`,
    ]);
    const pageOnly: PromtoolCase[] = [
      {
        file: testFile,
        alert_rule_test: [
          { alertname: "ParleyExample", exp_alerts: [{ exp_labels: { severity: "critical" } }] },
        ],
      },
    ];
    expect(coverageProblems(example.slice(0, 2), pageOnly)).toEqual([
      `${file} ParleyExample (critical): no test keeps it quiet`,
      `${file} ParleyExample (warning): no test fires it`,
      `${file} ParleyExample (warning): no test keeps it quiet`,
    ]);
  });
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
