// The rule files of observability/ and their rules, as Prometheus reads them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { observabilityDir, ruleFiles } from "../../src/paths";
import { type Rule } from "../../src/slo";

export { observabilityDir, ruleFiles };

export interface LoadedRule extends Rule {
  /** Relative to observability/. */
  file: string;
  group: string;
}

export function loadRules(): LoadedRule[] {
  return ruleFiles().flatMap((file) => {
    const { groups } = parse(readFileSync(path.join(observabilityDir, file), "utf8")) as {
      groups: { name: string; rules: Rule[] }[];
    };
    return groups.flatMap((group) => group.rules.map((rule) => ({ ...rule, file, group: group.name })));
  });
}

/** The promtool test file of a rule file: `alerts/pipeline.yaml` → `tests/promtool/alerts-pipeline.test.yaml`. */
export const promtoolTestOf = (file: string) =>
  `tests/promtool/${file
    .replace(/^slos\/_gen\//, "slos/")
    .replace(/\.yaml$/, "")
    .replace("/", "-")}.test.yaml`;
