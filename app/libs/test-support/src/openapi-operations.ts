import type { TestClient } from "./api";

/** The JSON Schema subset the gateway's OpenAPI document uses. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  $ref?: string;
}

export interface OperationParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: JsonSchema;
}

/** One operation of the OpenAPI document: what it takes and whether it needs a token. */
export interface Operation {
  method: string;
  /** The documented path, `/v1/things/{thingId}`. */
  template: string;
  authenticated: boolean;
  parameters: OperationParameter[];
  bodySchema?: JsonSchema;
}

/** Every operation of the OpenAPI document the running gateway serves, with named schemas resolved. */
export async function operationsOf(client: TestClient): Promise<Operation[]> {
  const document = (await client.checks.openapi()) as unknown as {
    paths: Record<
      string,
      Record<
        string,
        {
          security?: unknown[];
          parameters?: OperationParameter[];
          requestBody?: { content: Record<string, { schema: JsonSchema }> };
        }
      >
    >;
    components: { schemas: Record<string, JsonSchema> };
  };
  const resolve = (schema: JsonSchema | undefined) =>
    schema?.$ref ? document.components.schemas[schema.$ref.replace("#/components/schemas/", "")] : schema;
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method,
      template,
      authenticated: (operation.security ?? []).length > 0,
      parameters: operation.parameters ?? [],
      bodySchema: resolve(operation.requestBody?.content["application/json"]?.schema),
    })),
  );
}

/** Every `{parameter}` of the template, given `value` (or what `value` gives for its name). */
export const pathValues = (template: string, value: string | ((name: string) => string)) =>
  Object.fromEntries(
    [...template.matchAll(/\{([^}]+)\}/g)].map(([, name]) => [
      name!,
      typeof value === "string" ? value : value(name!),
    ]),
  );
