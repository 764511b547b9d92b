import type { Middleware } from "@parley/api-client";
import {
  type ApiResponse,
  type PlatformUnderTest,
  type SendOptions,
  type TestClient,
  createTestClient,
  send,
  startPlatformUnderTest,
} from "@parley/test-support";

/**
 * What must never reach a client: stack frames, file paths, SQL, driver or ORM error names. Each
 * match is a leak of how the service is built (and a hint for an attacker).
 */
const LEAK =
  /\bat [\w$.<>]+ \(|\.(?:js|ts):\d+:\d+|node_modules|\b(?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b|QueryFailedError|syntax error at or near|violates \w+ constraint|relation "|ECONNREFUSED|grpc-js/;

/** The first thing in an answer that should not be there, if any. */
export function leakIn(text: string): string | undefined {
  return LEAK.exec(text)?.[0];
}

/** Values of a template's `{parameters}` in a concrete path (`/v1/things/{id}`, `/v1/things/7`). */
function parametersIn(template: string, pathname: string): Record<string, string> {
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "([^/]*)")}$`);
  const values = pattern.exec(pathname)?.slice(1) ?? [];
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(values[i] ?? "")]));
}

/**
 * The generated client for attacks: every answer is checked against the document and for leaks
 * (stack traces, SQL, internals), and requests are written as the URL an attacker would send
 * (`/v1/presence?userIds=...`) with the documented template when it has parameters.
 */
export class SecurityClient {
  readonly leaks: string[] = [];
  requests = 0;
  readonly client: TestClient;

  constructor(baseUrl: string) {
    const leakCheck: Middleware = {
      onResponse: async ({ request, response }) => {
        this.requests += 1;
        const leak = leakIn(await response.clone().text());
        if (leak)
          this.leaks.push(
            `${request.method} ${new URL(request.url).pathname} → ${response.status}: "${leak}"`,
          );
      },
    };
    this.client = createTestClient(baseUrl, [leakCheck]);
  }

  request(
    method: string,
    url: string,
    options: Omit<SendOptions, "path" | "query"> & { template?: string } = {},
  ): Promise<ApiResponse> {
    const [pathname = "", search = ""] = url.split("?");
    const template = options.template ?? pathname;
    return send(this.client, method, template, {
      ...options,
      path: parametersIn(template, pathname),
      query: Object.fromEntries(new URLSearchParams(search)),
    });
  }
}

/** A refusal as the API promises it: the status, as an RFC 9457 problem document. */
export function expectProblem(response: ApiResponse, status: number): void {
  expect({ status: response.status, contentType: response.contentType }).toEqual({
    status,
    contentType: "application/problem+json",
  });
  expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
}

/** A platform for security tests: one replica each, rate limits as given (high by default). */
export function startSecurityPlatform(env: Record<string, string> = {}): Promise<PlatformUnderTest> {
  return startPlatformUnderTest({
    env: { RATE_LIMIT_PER_MINUTE: "1000000", RATE_LIMIT_AUTH_PER_MINUTE: "1000000", ...env },
  });
}
