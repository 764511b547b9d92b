import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repositoryRoot, servedOpenApiDocument } from "@parley/launcher";

const packageRoot = join(repositoryRoot, "app", "libs", "api-client");
const bin = (name: string) => join(repositoryRoot, "node_modules", ".bin", name);

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    cwd: packageRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the OpenAPI document the running gateway serves", () => {
  const folder = mkdtempSync(join(tmpdir(), "parley-openapi-"));
  const file = join(folder, "openapi.json");
  let document: Record<string, unknown>;

  beforeAll(async () => {
    document = await servedOpenApiDocument();
    writeFileSync(file, JSON.stringify(document, null, 2));
  }, 60_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("passes Redocly CLI's recommended rules with no error and no warning", () => {
    const { status, output } = run(bin("redocly"), [
      "lint",
      file,
      "--config",
      join(packageRoot, "redocly.yaml"),
    ]);
    expect({ status, findings: output.match(/^\[\d+\].*$/gm) ?? [] }).toEqual({ status: 0, findings: [] });
    expect(output).toContain("Your API description is valid");
  }, 60_000);

  it("passes Spectral's OpenAPI ruleset with no finding of any severity", () => {
    const { status, output } = run(bin("spectral"), [
      "lint",
      file,
      "--ruleset",
      join(packageRoot, ".spectral.yaml"),
      "--fail-severity",
      "hint",
      "--format",
      "json",
      "--quiet",
    ]);
    const findings = JSON.parse(output.slice(output.indexOf("["))) as { code: string; path: string[] }[];
    expect({ status, findings: findings.map((f) => `${f.code} at ${f.path.join(".")}`) }).toEqual({
      status: 0,
      findings: [],
    });
  }, 60_000);

  it("is the one the client was generated from (npm run api regenerates it)", () => {
    expect(JSON.parse(readFileSync(join(packageRoot, "openapi.json"), "utf8"))).toEqual(document);
  });
});
