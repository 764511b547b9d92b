import * as fs from "fs";
import * as path from "path";
import { environments } from "../src/config/environments";
import { loadModule, parseDirectory } from "./support/hcl-modules";
import { removeSynthesized, synthesizeApp, type SynthesizedApp } from "./support/synthesized-app";
import {
  allResources,
  dataSources,
  isBody,
  moduleCalls,
  providers,
  terraformSettings,
  type Body,
} from "./support/terraform-json";

const components = ["network", "cluster", "data", "messaging", "platform"];

let app: SynthesizedApp;

beforeAll(() => {
  app = synthesizeApp();
});

afterAll(() => removeSynthesized(app));

function stack(environment: string, component: string): Body {
  const found = app.stacks.find((candidate) => candidate.name === `parley-${environment}-${component}`);
  if (!found) throw new Error(`parley-${environment}-${component} was not synthesized`);
  return found.document;
}

it("writes the five stacks of every environment", () => {
  const expected = environments.flatMap(({ name }) =>
    components.map((component) => `parley-${name}-${component}`),
  );
  expect(app.stacks.map(({ name }) => name).sort()).toEqual(expected.sort());
});

describe.each(environments.map(({ name }) => name))("the %s environment", (environment) => {
  it.each(components)("%s stack matches its snapshot", (component) => {
    expect(stack(environment, component)).toMatchSnapshot();
  });

  it("deploys network, then cluster, data and messaging (which need no cluster), then platform", () => {
    const dependencies = (component: string) =>
      [...(app.manifest.stacks[`parley-${environment}-${component}`]?.dependencies ?? [])].sort();
    const prefixed = (...names: string[]) => names.map((name) => `parley-${environment}-${name}`).sort();
    expect(dependencies("network")).toEqual([]);
    expect(dependencies("cluster")).toEqual(prefixed("network"));
    expect(dependencies("data")).toEqual(prefixed("network"));
    expect(dependencies("messaging")).toEqual(prefixed("network"));
    expect(dependencies("platform")).toEqual(prefixed("cluster", "data", "messaging", "network"));
  });
});

it("gives every stack a state key of its own", () => {
  const keys = app.stacks.map(({ document }) => {
    const backend = terraformSettings(document)[0]?.backend;
    return isBody(backend) && isBody(backend.s3) ? backend.s3.key : undefined;
  });
  expect(new Set(keys).size).toBe(app.stacks.length);
});

it("synthesizes the same stacks again, module asset hashes included", () => {
  const again = synthesizeApp();
  try {
    expect(again.stacks.map(({ document }) => document)).toEqual(app.stacks.map(({ document }) => document));
  } finally {
    removeSynthesized(again);
  }
});

it("points every module at one content-hashed copy of terraform/modules written beside the stack", () => {
  const sources = app.stacks.flatMap(({ name, document }) =>
    moduleCalls(document).map(({ body }) => ({ name, source: String(body.source) })),
  );
  const hashes = new Set(sources.map(({ source }) => /\/([0-9A-F]{32})\//.exec(source)?.[1]));
  expect(hashes.size).toBe(1);
  expect(hashes.has(undefined)).toBe(false);
  for (const { name, source } of sources) {
    expect(fs.existsSync(path.join(app.outdir, "stacks", name, source, "main.tf"))).toBe(true);
  }
});

it("packages the modules those modules call (kms-key) in the same copy", async () => {
  const nested = await Promise.all(
    app.stacks.flatMap(({ name, document }) =>
      moduleCalls(document).map(async ({ body }) => {
        const directory = path.join(app.outdir, "stacks", name, String(body.source));
        const called = moduleCalls(await parseDirectory(directory)).map((call) => String(call.body.source));
        return called.map((source) => path.join(directory, source, "main.tf"));
      }),
    ),
  );
  const files = nested.flat();
  expect(files.some((file) => file.includes(`${path.sep}kms-key${path.sep}`))).toBe(true);
  expect(files.filter((file) => !fs.existsSync(file))).toEqual([]);
});

describe.each(environments.map(({ name }) => name))(
  "the %s platform stack, on a first deploy",
  (environment) => {
    it("looks up nothing but the state of the stacks before it", () => {
      const platform = stack(environment, "platform");
      expect(Object.keys(isBody(platform.data) ? platform.data : {})).toEqual(["terraform_remote_state"]);
      expect(allResources(platform)).toEqual([]);
      expect(dataSources(platform, "terraform_remote_state").map(({ address }) => address)).toEqual([
        `data.terraform_remote_state.cross-stack-reference-input-parley-${environment}-cluster`,
        `data.terraform_remote_state.cross-stack-reference-input-parley-${environment}-data`,
        `data.terraform_remote_state.cross-stack-reference-input-parley-${environment}-messaging`,
        `data.terraform_remote_state.cross-stack-reference-input-parley-${environment}-network`,
      ]);
    });

    it("connects Helm and Kubernetes with a token fetched at run time, to the cluster stack's endpoint", () => {
      const platform = stack(environment, "platform");
      const [kubernetes] = providers(platform, "kubernetes");
      const helmConnection = providers(platform, "helm")[0]?.kubernetes;
      for (const connection of [kubernetes, helmConnection]) {
        expect(connection).toMatchObject({
          host: expect.stringContaining(`cross-stack-reference-input-parley-${environment}-cluster`),
          exec: expect.anything(),
        });
        expect(JSON.stringify(connection)).toContain('"get-token"');
        expect(connection).not.toHaveProperty("token");
        expect(connection).not.toHaveProperty("config_path");
      }
    });
  },
);

it("creates Argo CD's Application through Helm, never through kubernetes_manifest, which needs the CRD at plan time", async () => {
  const bootstrap = await loadModule("gitops-bootstrap");
  const types = allResources(bootstrap.document).map(({ type }) => type);
  expect(types).toContain("helm_release");
  expect(types).not.toContain("kubernetes_manifest");
});
