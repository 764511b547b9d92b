// Terraform JSON comes in two shapes: hcl2json wraps every block in an array, CDKTF writes single
// blocks as objects. These helpers read both the same way.

export type Body = Record<string, unknown>;

export interface Block {
  address: string;
  body: Body;
}

export function isBody(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The blocks under `value`, whether written as one object or as a list of them. */
export function blocks(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter(isBody);
  return isBody(value) ? [value] : [];
}

function labelled(section: unknown, prefix: string): Block[] {
  if (!isBody(section)) return [];
  return Object.entries(section).flatMap(([name, value]) =>
    blocks(value).map((body) => ({ address: `${prefix}${name}`, body })),
  );
}

export function resources(document: Body, type: string): Block[] {
  const byType = isBody(document.resource) ? document.resource : {};
  return labelled(byType[type], `${type}.`);
}

export function allResources(document: Body): Array<Block & { type: string }> {
  const byType = isBody(document.resource) ? document.resource : {};
  return Object.keys(byType).flatMap((type) =>
    resources(document, type).map((block) => ({ ...block, type })),
  );
}

export function dataSources(document: Body, type: string): Block[] {
  const byType = isBody(document.data) ? document.data : {};
  return labelled(byType[type], `data.${type}.`);
}

export function moduleCalls(document: Body): Block[] {
  return labelled(document.module, "module.");
}

export function outputs(document: Body): Block[] {
  return labelled(document.output, "output.");
}

export function variables(document: Body): Block[] {
  return labelled(document.variable, "var.");
}

export function providers(document: Body, name: string): Body[] {
  return isBody(document.provider) ? blocks(document.provider[name]) : [];
}

/** `terraform {}` settings; hcl2json lists one entry per `terraform` block. */
export function terraformSettings(document: Body): Body[] {
  return blocks(document.terraform);
}

/** A value written as a Terraform expression (`${...}`) rather than a literal. */
export function isExpression(value: unknown): value is string {
  return typeof value === "string" && value.includes("${");
}

/** The string values anywhere inside `value`, for reference searches. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isBody(value)) return Object.values(value).flatMap(strings);
  return [];
}
