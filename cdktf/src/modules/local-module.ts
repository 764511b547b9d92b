import * as fs from "fs";
import * as path from "path";
import { TerraformHclModule } from "cdktf";
import { type Construct } from "constructs";

/** The modules the stacks call, one stack each. */
export const stackModuleNames = [
  "network",
  "kubernetes",
  "postgres",
  "rabbitmq",
  "gitops-bootstrap",
] as const;
/** Building blocks only the modules above call (`source = "../kms-key"`); no stack calls them. */
export const sharedModuleNames = ["kms-key"] as const;
/** Every directory of `terraform/modules`. */
export const moduleNames = [...stackModuleNames, ...sharedModuleNames] as const;
export type ModuleName = (typeof moduleNames)[number];
export type StackModuleName = (typeof stackModuleNames)[number];

/** Absolute path of `terraform/modules`, found from here whether running from sources or `dist/`. */
export function modulesDirectory(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "terraform", "modules");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`no terraform/modules above ${__dirname}`);
  }
}

/**
 * CDKTF resolves local module sources against the working directory and only treats them as
 * local when they start with `./` or `../`.
 */
export function moduleSource(name: ModuleName): string {
  const relative = path.relative(process.cwd(), path.join(modulesDirectory(), name));
  return relative.startsWith("..") ? relative : `./${relative}`;
}

/**
 * The `cdktfRelativeModules` context CDKTF needs to package local modules as one asset. It names
 * the shared modules too, so that the asset (their common directory) always holds what
 * `../kms-key` and the like point at.
 */
export function relativeModuleSources(): string[] {
  return moduleNames.map(moduleSource);
}

/** A module from `terraform/modules`, its variables typed by `Inputs` (named as in variables.tf). */
export class LocalModule<Inputs extends object> extends TerraformHclModule {
  constructor(scope: Construct, id: string, name: StackModuleName, inputs: Inputs) {
    super(scope, id, { source: moduleSource(name), variables: { ...inputs } });
  }
}
