import { type Body, blocks, isBody, variables } from "../support/terraform-json";

/** Follows a bare `${local.name}` to the local's value, so rules see what a reference stands for. */
export function resolveLocal(module: Body, value: unknown): unknown {
  const match = typeof value === "string" ? /^\$\{local\.([A-Za-z0-9_]+)\}$/.exec(value) : null;
  if (!match) return value;
  const definition = blocks(module.locals).find((locals) => match[1]! in locals);
  return definition ? definition[match[1]!] : value;
}

/** The variable a bare `${var.name}` refers to, if it is one. */
export function referencedVariable(module: Body, value: unknown): Body | undefined {
  const match = typeof value === "string" ? /^\$\{var\.([A-Za-z0-9_]+)\}$/.exec(value) : null;
  return match ? variables(module).find(({ address }) => address === `var.${match[1]}`)?.body : undefined;
}

export function validationConditions(variable: Body): string[] {
  return blocks(variable.validation)
    .map((validation) => validation.condition)
    .filter((condition): condition is string => typeof condition === "string");
}

export function firstBlock(body: Body, name: string): Body | undefined {
  return blocks(body[name])[0];
}

export function isSet(value: unknown): boolean {
  return (typeof value === "string" && value.length > 0) || isBody(value);
}
