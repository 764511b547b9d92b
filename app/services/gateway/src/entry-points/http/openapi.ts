import { z } from "zod";
import type { Route } from "./route";

const problemSchema = {
  type: "object",
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
      items: {
        type: "object",
        required: ["pointer", "detail"],
        properties: { pointer: { type: "string" }, detail: { type: "string" } },
      },
    },
  },
};

/** Status codes any route may answer besides its own, with problem documents. */
const commonProblems: Record<number, string> = {
  400: "Invalid request (malformed JSON, wrong types, unknown fields); `errors` lists each field.",
  413: "Request body larger than 64 KiB.",
  415: "Request body is not application/json.",
  429: "Rate limit reached; see Retry-After.",
  500: "Unexpected error.",
  503: "A dependency is unavailable; see Retry-After.",
  504: "A dependency did not answer in time.",
};

function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  });
  return rest;
}

function parameters(route: Route) {
  const list: object[] = [];
  for (const [location, schema] of [
    ["path", route.params],
    ["query", route.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, "input") as {
      properties?: Record<string, object>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      list.push({
        name,
        in: location,
        required: location === "path" || (object.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  for (const header of route.headers ?? []) {
    list.push({
      name: header.name,
      in: "header",
      required: header.required,
      description: header.description,
      schema: jsonSchema(header.schema, "input"),
    });
  }
  return list;
}

/** Express `/v1/things/:id` to OpenAPI `/v1/things/{id}`. */
export const openapiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, "{$1}");

/** The OpenAPI 3.1 document of the public API, built from the same routes the server runs. */
export function buildOpenApiDocument(routes: Route[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const responses: Record<string, object> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.schema || spec.contentType
          ? {
              content: {
                [spec.contentType ?? "application/json"]: spec.schema
                  ? { schema: jsonSchema(spec.schema, "output") }
                  : {},
              },
            }
          : {}),
      };
    }
    const problems = {
      ...commonProblems,
      ...(route.authenticated ? { 401: "Missing, invalid or expired access token." } : {}),
    };
    for (const [status, description] of Object.entries(problems)) {
      responses[status] ??= {
        description,
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
    (paths[openapiPath(route.path)] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(route.authenticated ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      parameters: parameters(route),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: jsonSchema(route.body, "input") } },
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
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Problem: problemSchema },
    },
  };
}
