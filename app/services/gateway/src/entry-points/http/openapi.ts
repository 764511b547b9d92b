import { z } from "zod";
import type { Route } from "./route";

type JsonSchema = Record<string, unknown>;

const problemSchema = {
  type: "object",
  description: "An RFC 9457 problem document.",
  required: ["type", "title", "status", "detail", "code"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
    code: { type: "string", description: "Machine-readable error kind." },
    requestId: { type: "string" },
    errors: {
      type: "array",
      description: "For 400: each invalid field, as a JSON pointer into the request part.",
      items: {
        type: "object",
        required: ["pointer", "detail"],
        properties: { pointer: { type: "string" }, detail: { type: "string" } },
      },
    },
  },
  examples: [
    {
      type: "about:blank",
      title: "Invalid request",
      status: 400,
      detail: "#/body/body: must be 1 to 4000 characters",
      code: "invalid_argument",
      requestId: "0b5c1f1e8a7d4c3b",
      errors: [{ pointer: "#/body/body", detail: "must be 1 to 4000 characters" }],
    },
  ],
};

/** Status codes any route may answer besides its own, with problem documents. */
const commonProblems: Record<number, string> = {
  400: "Invalid request (malformed JSON, wrong types, unknown fields, a broken rule); `errors` lists each field.",
  413: "Request body larger than 64 KiB.",
  415: "Request body is not application/json.",
  429: "Rate limit reached; see Retry-After.",
  500: "Unexpected error.",
  503: "A dependency is unavailable; see Retry-After.",
  504: "A dependency did not answer in time.",
};
const retryAfter = new Set([429, 503]);

const tags = [
  { name: "auth", description: "Accounts, sign-in, tokens and the keys that verify them." },
  { name: "users", description: "Your own account and finding other users." },
  { name: "conversations", description: "Direct and group conversations and their members." },
  { name: "messages", description: "Sending, paging and reading messages." },
  { name: "notifications", description: "Your notifications and their live stream." },
  { name: "presence", description: "Who of the people you talk to is online." },
];

/**
 * Converts zod schemas to JSON Schema for one document: schemas with an `id` (`.meta({ id })`)
 * go to components.schemas once and are referenced from there.
 */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const {
      $schema: _ignored,
      $defs,
      ...root
    } = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io,
      unrepresentable: "any",
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, definition] of Object.entries($defs ?? {})) this.add(id, this.relink(definition));
    return this.relink(root);
  }

  private add(id: string, definition: JsonSchema) {
    const existing = this.components[id];
    if (existing && JSON.stringify(existing) !== JSON.stringify(definition))
      throw new Error(`schema ${id} converts differently in two places (a request and a response?)`);
    this.components[id] = definition;
  }

  private relink(schema: JsonSchema): JsonSchema {
    return JSON.parse(
      JSON.stringify(schema).replace(/"#\/\$defs\//g, '"#/components/schemas/'),
    ) as JsonSchema;
  }
}

function parameters(route: Route, schemas: SchemaCollector) {
  const list: object[] = [];
  for (const [location, schema] of [
    ["path", route.params],
    ["query", route.query],
  ] as const) {
    if (!schema) continue;
    const object = schemas.convert(schema, "input") as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...propertySchema } = property;
      list.push({
        name,
        in: location,
        required: location === "path" || (object.required ?? []).includes(name),
        ...(description ? { description } : {}),
        // Lists travel comma-separated: ?userIds=a,b
        ...(propertySchema.type === "array" ? { style: "form", explode: false } : {}),
        schema: propertySchema,
      });
    }
  }
  for (const [location, shape] of [
    ["header", route.headers?.shape ?? {}],
    ["cookie", route.cookies?.shape ?? {}],
  ] as const) {
    for (const [name, parameter] of Object.entries(shape)) {
      const { description, ...schema } = schemas.convert(parameter, "input");
      list.push({
        name,
        in: location,
        required: !parameter.safeParse(undefined).success,
        ...(description ? { description } : {}),
        schema,
      });
    }
  }
  return list;
}

/** Express `/v1/things/:id` to OpenAPI `/v1/things/{id}`. */
export const openapiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, "{$1}");

const problemResponse = (description: string, status: number) => ({
  description,
  ...(retryAfter.has(status)
    ? { headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } } }
    : {}),
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

/** The OpenAPI 3.1 document of the public API, built from the same routes the server runs. */
export function buildOpenApiDocument(routes: Route[], version: string): object {
  const schemas = new SchemaCollector();
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const responses: Record<string, object> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      if (Number(status) >= 400) {
        responses[status] = problemResponse(spec.description, Number(status));
        continue;
      }
      responses[status] = {
        description: spec.description,
        ...(spec.schema || spec.contentType
          ? {
              content: {
                [spec.contentType ?? "application/json"]: spec.schema
                  ? { schema: schemas.convert(spec.schema, "output") }
                  : { schema: { type: "string" } },
              },
            }
          : {}),
      };
    }
    const problems = {
      ...commonProblems,
      ...(route.authenticated ? { 401: "Missing, invalid or expired access token." } : {}),
    };
    for (const [status, description] of Object.entries(problems))
      responses[status] ??= problemResponse(description, Number(status));
    (paths[openapiPath(route.path)] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      description: route.description,
      tags: [route.tag],
      ...(route.authenticated ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      parameters: parameters(route, schemas),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: schemas.convert(route.body, "input") } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Parley API",
      version,
      description:
        "The public REST API of Parley. Errors are RFC 9457 problem documents (application/problem+json).",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
      contact: { name: "Parley", url: "https://github.com/parley-messaging/parley" },
    },
    servers: [{ url: "/", description: "The gateway that serves this document." }],
    tags,
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      headers: {
        RetryAfter: {
          description: "Seconds to wait before trying again.",
          schema: { type: "integer", minimum: 0 },
        },
      },
      schemas: { Problem: problemSchema, ...schemas.components },
    },
  };
}
