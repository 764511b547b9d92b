import {
  type ApiResponse,
  ApiClient,
  type PlatformUnderTest,
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

/**
 * An API client that also checks every answer for leaks (stack traces, SQL, internals) and keeps
 * what it found; responses are still checked against the OpenAPI document.
 */
export class CheckedApiClient extends ApiClient {
  readonly leaks: string[] = [];
  requests = 0;

  override async request(...args: Parameters<ApiClient["request"]>): Promise<ApiResponse> {
    const response = await super.request(...args);
    this.requests += 1;
    const text = typeof response.body === "string" ? response.body : JSON.stringify(response.body);
    const leak = leakIn(text);
    if (leak) this.leaks.push(`${args[0].toUpperCase()} ${args[1]} → ${response.status}: "${leak}"`);
    return response;
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
