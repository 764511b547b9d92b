// `npm run observability:generate`: writes every generated artifact of observability/ (the SLO
// rules, the PrometheusRule resources, the dashboards). Tests regenerate them in memory and fail
// when a committed copy differs.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generatedFiles } from "./generated";
import { observabilityDir } from "./paths";

for (const { file, content } of generatedFiles()) {
  const target = path.join(observabilityDir, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content());
  process.stdout.write(`wrote observability/${file}\n`);
}
