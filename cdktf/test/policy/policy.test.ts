import * as path from "path";
import { loadModules, parseDirectory, parseHcl, terraformDirectory, tfFiles } from "../support/hcl-modules";
import { calledModuleName } from "../support/module-interface";
import {
  removeSynthesized,
  synthesizeApp,
  type SynthesizedApp,
  type SynthesizedStack,
} from "../support/synthesized-app";
import { scannerSkips, type ScannerSkips } from "../support/scanner-skips";
import { moduleCalls, type Body } from "../support/terraform-json";
import { type Evaluation, type StackContext } from "./rule";
import { moduleRules, stackRules } from "./rules";

let hclDocuments: Array<{ name: string; document: Body; skips: ScannerSkips }>;
let moduleDocuments: Map<string, Body>;
let app: SynthesizedApp;

beforeAll(async () => {
  const modules = await loadModules();
  moduleDocuments = new Map(modules.map((module) => [module.name, module.document]));
  const exampleDirectory = path.join(terraformDirectory, "examples", "complete");
  const sourcesOf = (files: Array<{ source: string }>) => scannerSkips(...files.map(({ source }) => source));
  hclDocuments = [
    ...modules.map(({ name, document, files }) => ({ name, document, skips: sourcesOf(files) })),
    {
      name: "examples/complete",
      document: await parseDirectory(exampleDirectory),
      skips: sourcesOf(tfFiles(exampleDirectory)),
    },
  ];
  app = synthesizeApp();
});

afterAll(() => removeSynthesized(app));

function contextOf(stack: SynthesizedStack): StackContext {
  const used = moduleCalls(stack.document).map(({ body }) => calledModuleName(body) ?? "");
  return {
    environment: stack.environment,
    component: stack.component,
    modules: new Map(used.map((name) => [name, moduleDocuments.get(name) ?? {}])),
  };
}

function combine(evaluations: Array<{ name: string; evaluation: Evaluation }>) {
  return {
    checked: evaluations.reduce((sum, { evaluation }) => sum + evaluation.checked, 0),
    violations: evaluations.flatMap(({ name, evaluation }) =>
      evaluation.violations.map((v) => `${name}: ${v}`),
    ),
  };
}

const label = (rule: { id: string; title: string; mirrors: string[] }) =>
  `${rule.id}: ${rule.title} [${rule.mirrors.join(", ")}]`;

it("has one id per rule and names what each rule mirrors", () => {
  const rules = [...moduleRules, ...stackRules];
  expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
  for (const rule of rules) expect(rule.mirrors.length).toBeGreaterThan(0);
});

describe.each(moduleRules.map((rule) => [label(rule), rule] as const))("%s", (_label, rule) => {
  it("holds for every module and the example, and has something to check", () => {
    const result = combine(
      hclDocuments.map(({ name, document, skips }) => ({ name, evaluation: rule.evaluate(document, skips) })),
    );
    expect(result.violations).toEqual([]);
    expect(result.checked).toBeGreaterThan(0);
  });

  it("catches its violating example", async () => {
    const result = rule.evaluate(await parseHcl(rule.violatingExample), scannerSkips(rule.violatingExample));
    expect(result.checked).toBeGreaterThan(0);
    expect(result.violations).not.toEqual([]);
  });
});

describe.each(stackRules.map((rule) => [label(rule), rule] as const))("%s", (_label, rule) => {
  it("holds for every stack of every environment, and has something to check", () => {
    const result = combine(
      app.stacks.map((stack) => ({
        name: stack.name,
        evaluation: rule.evaluate(stack.document, contextOf(stack)),
      })),
    );
    expect(result.violations).toEqual([]);
    expect(result.checked).toBeGreaterThan(0);
  });

  it("catches a stack changed to break it", () => {
    const { environment, component, apply } = rule.violatingChange;
    const stack = app.stacks.find(
      (candidate) => candidate.environment === environment && candidate.component === component,
    );
    if (!stack) throw new Error(`no ${environment} ${component} stack`);
    const broken = structuredClone(stack.document);
    apply(broken);
    expect(rule.evaluate(stack.document, contextOf(stack)).violations).toEqual([]);
    expect(rule.evaluate(broken, contextOf(stack)).violations).not.toEqual([]);
  });
});
