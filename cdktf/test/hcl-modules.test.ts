import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { format } from "@cdktf/hcl-tools";
import { parse } from "@cdktf/hcl2json";
import { renderReadme } from "../scripts/module-docs";
import { moduleNames } from "../src/modules/local-module";
import { loadModules, terraformDirectory, tfFiles, type HclModule } from "./support/hcl-modules";
import { type Body, blocks, moduleCalls, outputs, resources, variables } from "./support/terraform-json";

function allTerraformFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === ".terraform" ? [] : allTerraformFiles(entryPath);
    return entry.name.endsWith(".tf") ? [entryPath] : [];
  });
}

const files = allTerraformFiles(terraformDirectory).map((file) => path.relative(terraformDirectory, file));

function terraformBinary(): string | undefined {
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore" });
    return "terraform";
  } catch {
    return undefined;
  }
}

let modules: HclModule[];

beforeAll(async () => {
  modules = await loadModules();
});

it("finds the Terraform files of every module and the example", () => {
  const directories = new Set(files.map((file) => path.dirname(file)));
  expect([...directories].sort()).toEqual(
    ["examples/complete", ...modules.map(({ name }) => `modules/${name}`)].sort(),
  );
});

describe.each(files)("%s", (file) => {
  const source = () => fs.readFileSync(path.join(terraformDirectory, file), "utf8");

  it("parses", async () => {
    await expect(parse(path.basename(file), source())).resolves.toEqual(expect.any(Object));
  });

  it("is formatted as terraform fmt would write it", async () => {
    expect(await format(source())).toBe(source());
  });
});

it("the format check catches a file terraform fmt would change", async () => {
  const unformatted = 'variable "name" {\n  type= string\n}\n';
  expect(await format(unformatted)).not.toBe(unformatted);
});

it("the parse check catches broken HCL", async () => {
  await expect(parse("broken.tf", 'resource "aws_vpc" "this" {\n  cidr_block =\n')).rejects.toThrow(
    /Invalid expression/,
  );
});

const terraform = terraformBinary();
// The binary is optional (hcl-tools above is the check CI relies on); where it exists it has the last word.
(terraform ? it : it.skip)("passes terraform fmt -check, where the terraform binary exists", () => {
  expect(() =>
    execFileSync(terraform ?? "terraform", ["fmt", "-check", "-recursive", terraformDirectory], {
      stdio: "pipe",
    }),
  ).not.toThrow();
});

describe.each([...moduleNames])("module %s", (name) => {
  const module = () => {
    const found = modules.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`module ${name} not loaded`);
    return found;
  };

  it("has main.tf, variables.tf, outputs.tf, versions.tf and a README", () => {
    const present = fs.readdirSync(module().directory);
    expect(present).toEqual(
      expect.arrayContaining(["main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"]),
    );
    expect(tfFiles(module().directory).length).toBeGreaterThanOrEqual(4);
  });

  it("types and describes every variable", () => {
    const declared = variables(module().document);
    expect(declared.length).toBeGreaterThan(0);
    const undocumented = declared.filter(({ body }) => typeof body.type !== "string" || !body.description);
    expect(undocumented.map(({ address }) => address)).toEqual([]);
  });

  it("describes every output", () => {
    const declared = outputs(module().document);
    expect(declared.length).toBeGreaterThan(0);
    expect(declared.filter(({ body }) => !body.description).map(({ address }) => address)).toEqual([]);
  });

  it("has README input and output tables generated from its current HCL (npm run docs:modules -w cdktf)", () => {
    const readmePath = path.join(module().directory, "README.md");
    expect(fs.readFileSync(readmePath, "utf8")).toBe(renderReadme(readmePath, module().document));
  });
});

// Deployed environments hold their KMS keys at the addresses on the left. Without these moved
// blocks Terraform would destroy those keys and create new ones, which cannot decrypt anything
// the old ones encrypted.
const movedIntoKmsKey: Record<string, { call: string; key: string; alias: string }> = {
  network: { call: "flow_logs_key", key: "aws_kms_key.flow_logs", alias: "aws_kms_alias.flow_logs" },
  postgres: { call: "key", key: "aws_kms_key.this", alias: "aws_kms_alias.this" },
  kubernetes: { call: "key", key: "aws_kms_key.this", alias: "aws_kms_alias.this" },
  rabbitmq: { call: "credentials_key", key: "aws_kms_key.credentials", alias: "aws_kms_alias.credentials" },
  "gitops-bootstrap": { call: "secrets_key", key: "aws_kms_key.secrets", alias: "aws_kms_alias.secrets" },
};

describe.each(Object.entries(movedIntoKmsKey))("module %s", (name, { call, key, alias }) => {
  it("moves its former KMS key and alias into its kms-key call instead of replacing them", () => {
    const document = modules.find((candidate) => candidate.name === name)?.document ?? {};
    const moved = blocks(document.moved).map(({ from, to }) => `${String(from)} -> ${String(to)}`);
    expect(moved).toEqual(
      expect.arrayContaining([
        `\${${key}} -> \${module.${call}.aws_kms_key.this}`,
        `\${${alias}} -> \${module.${call}.aws_kms_alias.this}`,
      ]),
    );
    expect(moduleCalls(document).find(({ address }) => address === `module.${call}`)?.body.source).toBe(
      "../kms-key",
    );
  });
});

/** The longest value a variable's validations let through, from a `{min,max}` regex or a `length() <=`. */
function longestAllowed(variable: Body): number | undefined {
  const conditions = blocks(variable.validation).map((validation) => String(validation.condition));
  const lengths = conditions.flatMap((condition) => {
    const regex = /\^\[[^\]]+\]\[[^\]]+\]\{(\d+),(\d+)\}\$/.exec(condition);
    if (regex) return [1 + Number(regex[2])];
    const limit = /length\(var\.\w+\) <= (\d+)/.exec(condition);
    return limit ? [Number(limit[1])] : [];
  });
  return lengths.length ? Math.min(...lengths) : undefined;
}

/** Every IAM role a module names after a variable, at the longest value its validations accept. */
function longestRoleNames(document: Body): { role: string; length: number | undefined }[] {
  const declared = Object.fromEntries(variables(document).map(({ address, body }) => [address, body]));
  return resources(document, "aws_iam_role").flatMap(({ address, body }) => {
    const name = typeof body.name === "string" ? body.name : "";
    const variable = /^\$\{var\.(\w+)\}/.exec(name)?.[1];
    if (!variable) return [];
    const longest = longestAllowed(declared[`var.${variable}`] ?? declared[variable] ?? {});
    const suffix = name.replace(/^\$\{var\.\w+\}/, "");
    return [
      { role: `${address} (${name})`, length: longest === undefined ? undefined : longest + suffix.length },
    ];
  });
}

describe("IAM role names", () => {
  it("fit IAM's 64 characters at the longest identifier each module's validations accept", () => {
    const roles = modules.flatMap(({ document }) => longestRoleNames(document));
    expect(roles.length).toBeGreaterThanOrEqual(4);
    expect(roles.filter(({ length }) => length === undefined || length > 64)).toEqual([]);
  });

  it("the check catches a validation that lets a role name grow past 64", async () => {
    const document = await parse(
      "main.tf",
      'variable "name" {\n  type = string\n  validation {\n    condition     = can(regex("^[a-z][a-z0-9-]{2,60}$", var.name))\n    error_message = "x"\n  }\n}\nresource "aws_iam_role" "this" {\n  name = "${var.name}-rds-monitoring"\n}\n',
    );
    expect(longestRoleNames(document)).toEqual([
      { role: expect.stringContaining("aws_iam_role.this"), length: 76 },
    ]);
  });
});
