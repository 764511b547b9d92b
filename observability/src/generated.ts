// The generated files and how each is made, in the order `npm run observability:generate` writes
// them: the SLO rule files first, since the PrometheusRule resources include them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { dashboards } from "../dashboards/src";
import { generatedHeader, observabilityDir, yamlFiles } from "./paths";
import { prometheusRulesYaml } from "./prometheus-rule";
import { parseSloSpec, sloRuleGroups } from "./slo";

export interface GeneratedFile {
  /** Relative to observability/. */
  file: string;
  /** Made when asked for, so that a file can read the ones written before it. */
  content(): string;
}

const sloRuleFiles = (): GeneratedFile[] =>
  yamlFiles("slos").map((source) => ({
    file: source.replace(/^slos\//, "slos/_gen/"),
    content: () => {
      const spec = parseSloSpec(readFileSync(path.join(observabilityDir, source), "utf8"));
      const body = stringify({ groups: sloRuleGroups(spec) }, { lineWidth: 0 });
      return `# ${generatedHeader(`observability/${source}`)}\n${body}`;
    },
  }));

const dashboardFiles = (): GeneratedFile[] =>
  dashboards().map(({ file, dashboard }) => ({
    file: `dashboards/${file}`,
    content: () => `${JSON.stringify(dashboard, null, 2)}\n`,
  }));

export const generatedFiles = (): GeneratedFile[] => [
  ...sloRuleFiles(),
  { file: "_gen/prometheus-rules.yaml", content: prometheusRulesYaml },
  ...dashboardFiles(),
];
