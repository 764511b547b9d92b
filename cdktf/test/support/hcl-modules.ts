import * as fs from "fs";
import * as path from "path";
import { parse } from "@cdktf/hcl2json";
import { modulesDirectory, moduleNames, type ModuleName } from "../../src/modules/local-module";
import { type Body } from "./terraform-json";

export const terraformDirectory = path.dirname(modulesDirectory());

export interface HclFile {
  path: string;
  source: string;
}

export interface HclModule {
  name: string;
  directory: string;
  files: HclFile[];
  /** All files of the module parsed and merged, as Terraform reads a directory. */
  document: Body;
}

export function tfFiles(directory: string): HclFile[] {
  return fs
    .readdirSync(directory)
    .filter((file) => file.endsWith(".tf"))
    .sort()
    .map((file) => {
      const filePath = path.join(directory, file);
      return { path: filePath, source: fs.readFileSync(filePath, "utf8") };
    });
}

function mergeInto(target: Body, addition: Body): void {
  for (const [key, value] of Object.entries(addition)) {
    const existing = target[key];
    if (Array.isArray(existing) && Array.isArray(value)) target[key] = [...existing, ...value];
    else if (isPlainObject(existing) && isPlainObject(value)) mergeInto(existing, value);
    else target[key] = value;
  }
}

function isPlainObject(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export async function parseDirectory(directory: string): Promise<Body> {
  const document: Body = {};
  for (const file of tfFiles(directory)) {
    mergeInto(document, await parse(path.basename(file.path), file.source));
  }
  return document;
}

export async function loadModule(name: ModuleName): Promise<HclModule> {
  const directory = path.join(modulesDirectory(), name);
  return { name, directory, files: tfFiles(directory), document: await parseDirectory(directory) };
}

export async function loadModules(): Promise<HclModule[]> {
  return Promise.all(moduleNames.map(loadModule));
}

/** Parses one snippet of HCL, the way the policy tests build their bad examples. */
export async function parseHcl(source: string): Promise<Body> {
  return parse("example.tf", source);
}
