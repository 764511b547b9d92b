import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  readSynthesized,
  removeSynthesized,
  synthesizeApp,
  type SynthesizedApp,
} from "./support/synthesized-app";
import { isBody } from "./support/terraform-json";

// The way out of the archived CDKTF: the same app type-checks against CDK Terrain (`cdktn`) and,
// run with every `require("cdktf")` answered by `cdktn`, writes the same Terraform.
const cdktfDirectory = path.join(__dirname, "..");
const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  execFileSync(process.execPath, args, { cwd: process.cwd(), env, encoding: "utf8", stdio: "pipe" });
const tsc = require.resolve("typescript/bin/tsc");
const versionOfPackage = (name: string): string =>
  JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;

/** Drops CDKTF's `//` metadata (library version, stack name), which is all that may differ. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (!isBody(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "//")
      .map(([key, child]) => [key, withoutMetadata(child)]),
  );
}

function assetFiles(app: SynthesizedApp): string[] {
  return (fs.readdirSync(app.outdir, { recursive: true }) as string[])
    .filter((file) => file.includes(`${path.sep}assets${path.sep}`))
    .sort();
}

let cdktf: SynthesizedApp;
let terrain: SynthesizedApp;

beforeAll(() => {
  cdktf = synthesizeApp();
  run([tsc, "-p", path.join(cdktfDirectory, "tsconfig.build.json")]);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-cdktn-"));
  run(
    [
      "--require",
      path.join(cdktfDirectory, "terrain", "use-cdktn.cjs"),
      path.join(cdktfDirectory, "dist", "main.js"),
    ],
    {
      ...process.env,
      CDKTF_OUTDIR: outdir,
    },
  );
  terrain = readSynthesized(outdir);
}, 120_000);

afterAll(() => {
  removeSynthesized(cdktf);
  removeSynthesized(terrain);
});

it("type-checks the app against cdktn's own types", () => {
  const traced = run([tsc, "-p", path.join(cdktfDirectory, "terrain"), "--traceResolution"]);
  expect(traced).toMatch(/Module name 'cdktf' was successfully resolved to '[^']*node_modules\/cdktn\//);
});

it("really synthesized under each library", () => {
  const versionOf = (app: SynthesizedApp) =>
    new Set(
      app.stacks.map(
        ({ document }) => (document["//"] as { metadata: { version: string } }).metadata.version,
      ),
    );
  expect(versionOf(cdktf)).toEqual(new Set([versionOfPackage("cdktf")]));
  expect(versionOf(terrain)).toEqual(new Set([versionOfPackage("cdktn")]));
});

it("writes the same stacks in the same deploy order", () => {
  expect(terrain.stacks.map(({ name }) => name)).toEqual(cdktf.stacks.map(({ name }) => name));
  expect(terrain.stacks).toHaveLength(15);
  const dependencies = (app: SynthesizedApp) =>
    Object.fromEntries(
      Object.entries(app.manifest.stacks).map(([name, { dependencies }]) => [name, dependencies]),
    );
  expect(dependencies(terrain)).toEqual(dependencies(cdktf));
});

it("writes the same providers, backends, modules, references and outputs in every stack", () => {
  for (const stack of cdktf.stacks) {
    const other = terrain.stacks.find(({ name }) => name === stack.name);
    expect(withoutMetadata(other?.document)).toEqual(withoutMetadata(stack.document));
  }
});

it("packages the same module asset", () => {
  expect(assetFiles(terrain)).toEqual(assetFiles(cdktf));
  expect(assetFiles(cdktf).length).toBeGreaterThan(0);
});
