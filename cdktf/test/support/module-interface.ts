import { type Body, isBody, moduleCalls, variables } from "./terraform-json";

export interface ModuleInterface {
  /** Variable names mapped to whether the caller must set them (no default). */
  variables: Map<string, { required: boolean }>;
}

export function moduleInterface(document: Body): ModuleInterface {
  return {
    variables: new Map(
      variables(document).map(({ address, body }) => [
        address.slice("var.".length),
        { required: !("default" in body) },
      ]),
    ),
  };
}

// Arguments every module block may carry besides the module's variables.
const metaArguments = new Set(["//", "source", "version", "providers", "depends_on", "count", "for_each"]);

/** What is wrong with one `module` block against the module it calls: unknown and missing inputs. */
export function moduleCallProblems(call: Body, target: ModuleInterface): string[] {
  const passed = Object.keys(call).filter((key) => !metaArguments.has(key));
  const unknown = passed
    .filter((name) => !target.variables.has(name))
    .map((name) => `passes unknown variable "${name}"`);
  const missing = [...target.variables]
    .filter(([name, { required }]) => required && !passed.includes(name))
    .map(([name]) => `does not pass required variable "${name}"`);
  return [...unknown, ...missing];
}

/** The module (directory name) a `module` block's source points at. */
export function calledModuleName(call: Body): string | undefined {
  const source = isBody(call) && typeof call.source === "string" ? call.source : undefined;
  return source?.split("/").filter(Boolean).pop();
}

/** The calls of module `moduleName` in a synthesized stack. */
export function callsOf(stack: Body, moduleName: string): Array<{ address: string; body: Body }> {
  return moduleCalls(stack).filter(({ body }) => calledModuleName(body) === moduleName);
}

export { moduleCalls };
