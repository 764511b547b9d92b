import * as path from "path";
import {
  loadModules,
  parseDirectory,
  parseHcl,
  terraformDirectory,
  type HclModule,
} from "./support/hcl-modules";
import { stackModuleNames } from "../src/modules/local-module";
import { calledModuleName, moduleCallProblems, moduleInterface } from "./support/module-interface";
import { removeSynthesized, synthesizeApp, type SynthesizedApp } from "./support/synthesized-app";
import { moduleCalls, type Body } from "./support/terraform-json";

let modules: HclModule[];
let app: SynthesizedApp;

beforeAll(async () => {
  modules = await loadModules();
  app = synthesizeApp();
});

afterAll(() => removeSynthesized(app));

function problemsOf(document: Body): string[] {
  return moduleCalls(document).flatMap(({ address, body }) => {
    const target = modules.find(({ name }) => name === calledModuleName(body));
    if (!target) return [`${address} calls unknown module ${String(body.source)}`];
    return moduleCallProblems(body, moduleInterface(target.document)).map(
      (problem) => `${address} ${problem}`,
    );
  });
}

it("every stack passes only variables its modules declare, and all their required ones", () => {
  const calls = app.stacks.flatMap(({ document }) => moduleCalls(document));
  expect(calls.length).toBe(app.stacks.length);
  expect(
    app.stacks.flatMap(({ name, document }) => problemsOf(document).map((problem) => `${name}: ${problem}`)),
  ).toEqual([]);
});

it("the plain Terraform example does the same", async () => {
  const example = await parseDirectory(path.join(terraformDirectory, "examples", "complete"));
  expect(moduleCalls(example)).toHaveLength(stackModuleNames.length);
  expect(problemsOf(example)).toEqual([]);
});

it("every module that calls another (kms-key) passes only variables it declares, and all required ones", () => {
  const callers = modules.filter(({ document }) => moduleCalls(document).length > 0);
  expect(callers.map(({ name }) => name).sort()).toEqual([
    "gitops-bootstrap",
    "kubernetes",
    "network",
    "postgres",
    "rabbitmq",
  ]);
  const problems = callers.flatMap(({ name, document }) =>
    problemsOf(document).map((problem) => `${name}: ${problem}`),
  );
  expect(problems).toEqual([]);
});

it("when a call passes a variable the module lacks and omits a required one, then both are reported", async () => {
  const call = await parseHcl(
    `module "network" {\n  source      = "../terraform/modules/network"\n  name        = "parley-dev"\n  cidr        = "10.0.0.0/16"\n}\n`,
  );
  expect(problemsOf(call)).toEqual([
    'module.network passes unknown variable "cidr"',
    'module.network does not pass required variable "availability_zones"',
    'module.network does not pass required variable "cidr_block"',
  ]);
});
