import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

export interface ApiResponse {
  status: number;
  headers: Headers;
  contentType: string;
  body: unknown;
}

type Operation = { responses: Record<string, { content?: Record<string, { schema?: object }> }> };
type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};

/**
 * Talks to the gateway and checks every answer against its own OpenAPI document: the status must
 * be documented for the operation and the body must match the documented schema.
 */
export class ApiClient {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private document: OpenApiDocument | undefined;
  /** Every (operation, status) seen, for coverage checks. */
  readonly seen = new Set<string>();

  constructor(readonly baseUrl: string) {
    addFormats(this.ajv);
  }

  async openapi(): Promise<OpenApiDocument> {
    if (!this.document) {
      this.document = (await (await fetch(`${this.baseUrl}/openapi.json`)).json()) as OpenApiDocument;
      this.ajv.addSchema({ $id: "openapi", components: this.document.components }, "openapi");
    }
    return this.document;
  }

  /** Sends a request; `template` is the documented path (`/v1/things/{id}`) when it has parameters. */
  async request(
    method: string,
    path: string,
    options: {
      body?: unknown;
      rawBody?: string;
      token?: string;
      headers?: Record<string, string>;
      template?: string;
      /** Abandon the request after this long (fetch then rejects with a TimeoutError). */
      timeoutMs?: number;
    } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: method.toUpperCase(),
      headers,
      body,
      signal: options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
    });
    const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!;
    const text = await response.text();
    const parsed = text && contentType.endsWith("json") ? (JSON.parse(text) as unknown) : text;
    const result = { status: response.status, headers: response.headers, contentType, body: parsed };
    await this.check(method.toLowerCase(), options.template ?? path.split("?")[0]!, result);
    return result;
  }

  private async check(method: string, template: string, response: ApiResponse) {
    const document = await this.openapi();
    const operation = document.paths[template]?.[method];
    if (!operation) {
      if (response.status !== 404 && response.status !== 405) {
        throw new Error(
          `${method.toUpperCase()} ${template} answered ${response.status} but is not documented`,
        );
      }
      return;
    }
    this.seen.add(`${method} ${template} ${response.status}`);
    const documented = operation.responses[String(response.status)];
    if (!documented)
      throw new Error(`${method.toUpperCase()} ${template}: status ${response.status} is not documented`);
    const media = documented.content?.[response.contentType];
    if (documented.content && !media) {
      throw new Error(
        `${method.toUpperCase()} ${template} ${response.status}: undocumented content type ${response.contentType}`,
      );
    }
    if (media?.schema) {
      const schema = JSON.parse(
        JSON.stringify(media.schema).replace(/"#\/components\//g, '"openapi#/components/'),
      ) as object;
      const validate = this.ajv.compile(schema);
      if (!validate(response.body)) {
        throw new Error(
          `${method.toUpperCase()} ${template} ${response.status} body does not match the OpenAPI schema: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body)}`,
        );
      }
    }
  }
}
