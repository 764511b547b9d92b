import fc from "fast-check";
import {
  type Account,
  type PlatformUnderTest,
  directConversation,
  eventually,
  operationsOf,
  register,
  sendMessage,
} from "@parley/test-support";
import { crashedProcesses, waitAllReady } from "../harness/platform";
import { findSecretsInLogs } from "../harness/secrets";
import { type RawRequest, type RawResponse, sendRaw } from "./fuzz/raw-http";
import { requestsFor, strayRequests } from "./fuzz/requests";
import { SecurityClient, leakIn, startSecurityPlatform } from "./support";

/** At least this many requests in all (FUZZ_REQUESTS raises it for a longer run). */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);

const describeRequest = (request: RawRequest) =>
  `${request.method} ${JSON.stringify(request.target.toString("latin1")).slice(0, 200)} ` +
  `headers ${JSON.stringify(request.headers.map(([n, v]) => [n, String(v).slice(0, 60)]))} ` +
  `body ${JSON.stringify((request.body ?? Buffer.alloc(0)).toString("latin1").slice(0, 120))}`;

/**
 * Property-based fuzzing generated from the gateway's OpenAPI document (fast-check): plausible
 * requests shaped by each operation's schemas, mixed with hostile ones (invalid UTF-8, bad
 * percent-encoding, huge numbers, deep JSON, wrong media types, header injection, oversized
 * bodies), sent byte for byte. The property: every request gets an answer, never a 5xx, and error
 * answers are problem documents that leak nothing. Afterwards every service is alive and ready.
 */
describe("fuzzing every route from the OpenAPI schemas (real processes)", () => {
  let platform: PlatformUnderTest;
  let fuzzer: Account;
  let friend: Account;
  let port: number;
  const ids: string[] = [];
  const statuses = new Map<number, number>();
  let requests = 0;

  beforeAll(async () => {
    platform = await startSecurityPlatform({ AUTH_LOGIN_ATTEMPTS_PER_15_MIN: "10000" });
    port = Number(new URL(platform.gatewayUrl).port);
    const api = new SecurityClient(platform.gatewayUrl);
    [fuzzer, friend] = [await register(api.client, "fuzz"), await register(api.client, "friend")];
    const direct = await directConversation(fuzzer, friend);
    const group = await api.request("post", "/v1/conversations", {
      token: fuzzer.token,
      body: { title: "fuzz", memberIds: [friend.id] },
    });
    const message = await sendMessage(friend, direct, "hello fuzzer");
    ids.push(fuzzer.id, friend.id, direct, (group.body as { id: string }).id, message.id!);
    await eventually(
      async () => {
        const list = await api.request("get", "/v1/notifications", { token: fuzzer.token });
        const first = (list.body as { notifications: { id: string }[] }).notifications[0];
        if (first) ids.push(first.id);
        return first !== undefined;
      },
      5000,
      100,
    );
  }, 60_000);

  afterAll(() => platform.teardown());

  async function answered(request: RawRequest): Promise<RawResponse> {
    let response: RawResponse;
    try {
      response = await sendRaw(port, request, 15_000);
    } catch (error) {
      throw new Error(`no answer (${String(error)}) to ${describeRequest(request)}`);
    }
    requests += 1;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const body = response.body.toString("utf8");
    const problem = () => `${response.status} ${body.slice(0, 300)} to ${describeRequest(request)}`;
    if (response.status >= 500) throw new Error(`server error: ${problem()}`);
    const leak = leakIn(body);
    if (leak) throw new Error(`answer leaks "${leak}": ${problem()}`);
    const hasBody = request.method !== "HEAD";
    if (hasBody && (response.headers["content-type"] ?? "").startsWith("application/problem+json")) {
      const parsed = JSON.parse(body) as { status?: number };
      if (parsed.status !== response.status) throw new Error(`problem document disagrees: ${problem()}`);
    }
    return response;
  }

  it(`when at least ${TOTAL} generated requests hit every operation and stray paths, then none is answered 5xx or left unanswered`, async () => {
    const operations = await operationsOf(new SecurityClient(platform.gatewayUrl).client);
    const targets = { ids, token: fuzzer.token };
    const numRuns = Math.ceil(TOTAL / (operations.length + 1));
    const started = Date.now();
    const properties = [
      ...operations.map((op) =>
        fc.asyncProperty(requestsFor(op, targets), (r) => answered(r).then(() => true)),
      ),
      fc.asyncProperty(strayRequests, (r) => answered(r).then(() => true)),
    ];
    await Promise.all(properties.map((property) => fc.assert(property, { numRuns })));
    const seconds = (Date.now() - started) / 1000;
    const byClass = (low: number) =>
      [...statuses].filter(([s]) => s >= low && s < low + 100).reduce((n, [, c]) => n + c, 0);
    process.stdout.write(
      `\nfuzz: ${requests} requests over ${operations.length} operations and stray paths in ${seconds.toFixed(0)} s: ` +
        `2xx ${byClass(200)}, 3xx ${byClass(300)}, 4xx ${byClass(400)}, 5xx ${byClass(500)}; by status ` +
        `${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, c]) => `${s}×${c}`)
          .join(" ")}\n`,
    );
    expect(requests).toBeGreaterThanOrEqual(TOTAL);
    expect(byClass(500)).toBe(0);
  }, 600_000);

  it("when the fuzzing is over, then no process crashed, every service is ready and no error or secret was logged", async () => {
    expect(crashedProcesses(platform)).toEqual([]);
    expect(await waitAllReady(platform, 10_000)).toBe(true);
    const errors = platform.logs.filter(({ line }) => /"level":"(error|fatal)"/.test(line));
    expect(errors.map(({ name, line }) => `${name}: ${line.slice(0, 300)}`)).toEqual([]);
    expect(findSecretsInLogs(platform.logs, [fuzzer, friend])).toEqual([]);
  });
});
