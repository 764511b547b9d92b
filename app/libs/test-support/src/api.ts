import { type ApiClient, type Middleware, createApiClient } from "@parley/api-client";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

/** An answer as the tests read it, whichever way it was asked for. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  contentType: string;
  body: unknown;
}

type Operation = { responses: Record<string, { content?: Record<string, { schema?: object }> }> };
export type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};

/**
 * Checks every answer against the OpenAPI document the gateway serves: the status must be
 * documented for the operation and the body must match the documented schema. Installed as
 * middleware of the generated client, so every test that calls the API checks the document too.
 */
export class DocumentChecks {
  /** Every (method, operation, status) seen, for coverage checks. */
  readonly seen = new Set<string>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private document: Promise<OpenApiDocument> | undefined;

  constructor(readonly baseUrl: string) {
    addFormats(this.ajv);
  }

  openapi(): Promise<OpenApiDocument> {
    this.document ??= fetch(`${this.baseUrl}/openapi.json`)
      .then((response) => response.json() as Promise<OpenApiDocument>)
      .then((document) => {
        this.ajv.addSchema({ $id: "openapi", components: document.components }, "openapi");
        return document;
      });
    return this.document;
  }

  readonly middleware: Middleware = {
    onResponse: async ({ request, response, schemaPath }) => {
      await this.check(request.method.toLowerCase(), schemaPath, await answerOf(response.clone()));
    },
  };

  private async check(method: string, template: string, response: ApiResponse) {
    const document = await this.openapi();
    const operation = document.paths[template]?.[method];
    const name = `${method.toUpperCase()} ${template}`;
    if (!operation) {
      if (response.status !== 404 && response.status !== 405)
        throw new Error(`${name} answered ${response.status} but is not documented`);
      return;
    }
    this.seen.add(`${method} ${template} ${response.status}`);
    const documented = operation.responses[String(response.status)];
    if (!documented) throw new Error(`${name}: status ${response.status} is not documented`);
    const media = documented.content?.[response.contentType];
    if (documented.content && !media)
      throw new Error(`${name} ${response.status}: undocumented content type ${response.contentType}`);
    if (media?.schema) {
      const schema = JSON.parse(
        JSON.stringify(media.schema).replace(/"#\/components\//g, '"openapi#/components/'),
      );
      const validate = this.ajv.compile(schema as object);
      if (!validate(response.body)) {
        throw new Error(
          `${name} ${response.status} body does not match the OpenAPI schema: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body)}`,
        );
      }
    }
  }
}

/** The generated client, checking every answer against the document; `session` is empty. */
export type TestClient = ApiClient & { baseUrl: string; checks: DocumentChecks; middleware: Middleware[] };

export function createTestClient(
  baseUrl: string,
  middleware: Middleware[] = [],
  checks = new DocumentChecks(baseUrl),
): TestClient {
  const client = createApiClient({ baseUrl, middleware: [checks.middleware, ...middleware] });
  return Object.assign(client, { baseUrl, checks, middleware });
}

/** A new client for the same gateway with the same checks (to sign in as someone else). */
export const sibling = (client: TestClient) =>
  createTestClient(client.baseUrl, client.middleware, client.checks);

export async function answerOf(response: Response): Promise<ApiResponse> {
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!;
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    contentType,
    body: text && contentType.endsWith("json") ? (JSON.parse(text) as unknown) : text,
  };
}

/** What a typed call answered, read as an ApiResponse (the client has parsed the body already). */
export function answer(result: { data?: unknown; error?: unknown; response: Response }): ApiResponse {
  const { response } = result;
  return {
    status: response.status,
    headers: response.headers,
    contentType: (response.headers.get("content-type") ?? "").split(";")[0]!,
    body: result.data ?? result.error ?? "",
  };
}

export interface SendOptions {
  /** Values of the template's `{parameters}`. */
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** A JSON body. */
  body?: unknown;
  /** A body sent exactly as given (malformed JSON, another media type). */
  rawBody?: string;
  token?: string;
  timeoutMs?: number;
}

/**
 * Any documented operation through the generated client, by method and path template: for tests
 * that sweep every operation, or send what the client's types would not let them.
 */
export async function send(
  client: ApiClient,
  method: string,
  template: string,
  options: SendOptions = {},
): Promise<ApiResponse> {
  const headers = {
    ...options.headers,
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  };
  // The client reads the body of an error itself; a copy taken on the way in is read here.
  let copy: Response | undefined;
  const init = {
    params: { path: options.path, query: options.query },
    headers,
    middleware: [{ onResponse: ({ response }: { response: Response }) => void (copy = response.clone()) }],
    ...(options.rawBody !== undefined
      ? { body: options.rawBody, bodySerializer: (body: unknown) => body }
      : options.body !== undefined
        ? { body: options.body }
        : {}),
    ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
  };
  await client.request(method.toLowerCase() as "get", template as never, init as never);
  return answerOf(copy!);
}
