import { randomUUID } from "node:crypto";
import {
  type ApiResponse,
  type Operation,
  type PlatformUnderTest,
  type TestClient,
  createTestClient,
  operationsOf,
  pathValues,
  send,
  startPlatformUnderTest,
} from "@parley/test-support";

function expectProblem(response: ApiResponse, status: number) {
  expect({ status: response.status, type: response.contentType }).toEqual({
    status,
    type: "application/problem+json",
  });
  expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(JSON.stringify(response.body)).not.toMatch(/at .+\.js:\d+|SELECT |INSERT /);
}

/** A value of the wrong JSON type for a property of the given type. */
const wrongTypeFor = (type: string | string[] | undefined) =>
  type === "string" ? 12345 : "not the right type";

describe("bad input on every route is refused with a 4xx problem document (real processes)", () => {
  let platform: PlatformUnderTest;
  let api: TestClient;
  let token: string;
  let operations: Operation[];

  beforeAll(async () => {
    platform = await startPlatformUnderTest({ env: { RATE_LIMIT_AUTH_PER_MINUTE: "100000" } });
    api = createTestClient(platform.gatewayUrl);
    // The client keeps no session: each request below carries exactly the credentials it names.
    const registered = await api.POST("/v1/auth/register", {
      body: { username: `fuzz${Date.now().toString(36)}`, password: "correct horse battery" },
    });
    token = registered.data!.tokens.accessToken;
    operations = await operationsOf(api);
  });
  afterAll(() => platform.teardown());

  it("when the document is read, then it lists the operations under test", () => {
    expect(operations.length).toBeGreaterThanOrEqual(6);
  });

  it("when an authenticated route gets no token, a malformed one or a garbage bearer, then 401", async () => {
    for (const op of operations.filter((o) => o.authenticated)) {
      const path = pathValues(op.template, randomUUID());
      const attempts: Record<string, string>[] = [
        {},
        { authorization: "Bearer not.a.jwt" },
        { authorization: "Basic dXNlcjpwYXNz" },
        { authorization: "Bearer " },
      ];
      for (const headers of attempts) {
        expectProblem(
          await send(api, op.method, op.template, { path, headers, body: op.bodySchema ? {} : undefined }),
          401,
        );
      }
    }
  });

  it("when a body is malformed JSON, too large, of the wrong media type or not an object, then 400, 413 or 415", async () => {
    for (const op of operations.filter((o) => o.bodySchema)) {
      const common = { token, path: pathValues(op.template, randomUUID()) };
      const json = { "content-type": "application/json" };
      expectProblem(
        await send(api, op.method, op.template, { ...common, rawBody: '{"unterminated": ', headers: json }),
        400,
      );
      expectProblem(
        await send(api, op.method, op.template, {
          ...common,
          rawBody: `{"a":"${"x".repeat(70_000)}"}`,
          headers: json,
        }),
        413,
      );
      expectProblem(
        await send(api, op.method, op.template, {
          ...common,
          rawBody: "a=b",
          headers: { "content-type": "text/plain" },
        }),
        415,
      );
      for (const raw of ["[]", "null", '"text"', "42", "[".repeat(5000) + "]".repeat(5000)]) {
        expectProblem(
          await send(api, op.method, op.template, { ...common, rawBody: raw, headers: json }),
          400,
        );
      }
    }
  });

  it("when fields are missing, of the wrong type or unknown, then 400 names each one", async () => {
    for (const op of operations.filter((o) => o.bodySchema)) {
      const common = { token, path: pathValues(op.template, randomUUID()) };
      const properties = Object.entries(op.bodySchema?.properties ?? {});
      const required = op.bodySchema?.required ?? [];
      if (required.length) {
        const missing = await send(api, op.method, op.template, { ...common, body: {} });
        expectProblem(missing, 400);
        const pointers = ((missing.body as { errors?: { pointer: string }[] }).errors ?? []).map(
          (e) => e.pointer,
        );
        expect(pointers).toEqual(expect.arrayContaining(required.map((name) => `#/body/${name}`)));
      }
      for (const [name, schema] of properties) {
        const body: Record<string, unknown> = Object.fromEntries(
          properties.map(([other]) => [other, "placeholder"]),
        );
        body[name] = wrongTypeFor(schema.type);
        const wrongType = await send(api, op.method, op.template, { ...common, body });
        expectProblem(wrongType, 400);
        expect((wrongType.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toContain(
          `#/body/${name}`,
        );
      }
      const unknown = await send(api, op.method, op.template, {
        ...common,
        body: { isAdmin: true, __proto__x: 1 },
      });
      expectProblem(unknown, 400);
      expect((unknown.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toContain(
        "#/body/isAdmin",
      );
    }
  });

  it("when a path is unknown or a method is not supported, then 404 or 405", async () => {
    expectProblem(await send(api, "get", "/v1/nothing-here"), 404);
    expectProblem(await send(api, "delete", "/v1/auth/login"), 405);
  });

  it("when all that bad input is over, then every service is still ready", async () => {
    for (const service of [...platform.processes.values()].flat()) {
      expect((await fetch(`http://127.0.0.1:${service.adminPort}/readyz`)).status).toBe(200);
    }
  });
});
