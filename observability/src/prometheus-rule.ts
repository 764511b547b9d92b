// The rule files as PrometheusRule resources for the Prometheus Operator: one resource per file,
// the file's groups as its spec, so promtool and the cluster read the very same rules.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { generatedHeader, observabilityDir, ruleFiles } from "./paths";

/** `alerts/pipeline.yaml` becomes `parley-alerts-pipeline`. */
export const resourceName = (file: string) =>
  `parley-${file
    .replace(/\.yaml$/, "")
    .replace(/^slos\/_gen\//, "slo-")
    .replace(/[^a-z0-9]+/g, "-")}`;

export function prometheusRulesYaml(): string {
  const documents = ruleFiles().map((file) => {
    const { groups } = parse(readFileSync(path.join(observabilityDir, file), "utf8")) as {
      groups: unknown[];
    };
    return stringify(
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
          name: resourceName(file),
          labels: { "app.kubernetes.io/part-of": "parley", "app.kubernetes.io/component": "observability" },
          annotations: { "parley.dev/source": `observability/${file}` },
        },
        spec: { groups },
      },
      { lineWidth: 0 },
    );
  });
  return `# ${generatedHeader("the rule files under observability/")}\n${documents.map((d) => `---\n${d}`).join("")}`;
}
