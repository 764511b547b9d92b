import type { ApiClient } from "./api-client";

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

/** Every operation of the OpenAPI document the running gateway serves. */
export async function operationsOf(api: ApiClient): Promise<Operation[]> {
  const document = (await api.openapi()) as unknown as {
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
  };
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method,
      template,
      authenticated: (operation.security ?? []).length > 0,
      parameters: operation.parameters ?? [],
      bodySchema: operation.requestBody?.content["application/json"]?.schema,
    })),
  );
}

/** The template with every `{parameter}` replaced by `value` (or by what `value` gives for its name). */
export const fillPath = (template: string, value: string | ((name: string) => string)) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => (typeof value === "string" ? value : value(name)));
