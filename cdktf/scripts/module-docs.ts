// Generates the Inputs and Outputs tables of each terraform/modules/*/README.md from the module's
// HCL, between the BEGIN_TF_DOCS / END_TF_DOCS markers. Run: npm run docs:modules -w cdktf
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { modulesDirectory, moduleNames } from "../src/modules/local-module";
import { parseDirectory } from "../test/support/hcl-modules";

type Body = Record<string, unknown>;

const begin = "<!-- BEGIN_TF_DOCS -->";
const end = "<!-- END_TF_DOCS -->";

function entries(section: unknown): Array<[string, Body]> {
  if (typeof section !== "object" || section === null) return [];
  return Object.entries(section as Record<string, Body[]>).map(([name, [body]]) => [name, body ?? {}]);
}

const cell = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
const code = (text: string) => `\`${cell(text)}\``;
const typeOf = (type: unknown) => code(String(type ?? "any").replace(/^\$\{([\s\S]*)\}$/, "$1"));

export function moduleTables(document: Body): string {
  const inputs = entries(document.variable).map(([name, variable]) => {
    const required = !("default" in variable);
    const defaultValue = required ? "n/a" : code(JSON.stringify(variable.default));
    return `| ${name} | ${cell(String(variable.description ?? ""))} | ${typeOf(variable.type)} | ${defaultValue} | ${required ? "yes" : "no"} |`;
  });
  const outputs = entries(document.output).map(
    ([name, output]) =>
      `| ${name} | ${cell(String(output.description ?? ""))} | ${output.sensitive === true ? "yes" : "no"} |`,
  );
  return [
    "## Inputs",
    "",
    "| Name | Description | Type | Default | Required |",
    "| --- | --- | --- | --- | --- |",
    ...inputs,
    "",
    "## Outputs",
    "",
    "| Name | Description | Sensitive |",
    "| --- | --- | --- |",
    ...outputs,
  ].join("\n");
}

/** The README with its generated block replaced, formatted as `prettier --check` expects. */
export function renderReadme(readmePath: string, document: Body): string {
  const readme = fs.readFileSync(readmePath, "utf8");
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`${readmePath} has no ${begin} ... ${end} block`);
  const replaced = `${readme.slice(0, start + begin.length)}\n\n${moduleTables(document)}\n\n${readme.slice(stop)}`;
  // The CLI, because prettier's API loads ESM, which Jest cannot run here; it also applies the
  // repository's .prettierrc.json to the file.
  const prettier = require.resolve("prettier/bin/prettier.cjs");
  return execFileSync(process.execPath, [prettier, "--stdin-filepath", readmePath], {
    input: replaced,
    encoding: "utf8",
  });
}

async function main(): Promise<void> {
  for (const name of moduleNames) {
    const directory = path.join(modulesDirectory(), name);
    const readmePath = path.join(directory, "README.md");
    fs.writeFileSync(readmePath, renderReadme(readmePath, await parseDirectory(directory)));
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
