import { signIn } from "@parley/api-client";
import { limits } from "@parley/contracts";
import {
  DocumentChecks,
  type PlatformUnderTest,
  type TestClient,
  createTestClient,
  startPlatformUnderTest,
} from "@parley/test-support";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

/**
 * Each rule of @parley/contracts at its limit and one past it, sent through the running gateway and
 * judged by the document it serves: the document must accept the first value and refuse the second,
 * and the gateway must answer the first as documented and refuse the second with a 400 naming the
 * field.
 */

type Answer = { status: number; errors: string[] };
interface Case {
  rule: string;
  /** A JSON pointer into the served document to the schema of the field. */
  schema: string;
  value: unknown;
  /** Where a 400 names the field (`#/body/password`). */
  pointer: string;
  send(value: unknown): Promise<Answer>;
  /** The status of a value the document accepts; a 400 that does not name the field counts as such. */
  accepted: number;
}

const emoji = (count: number) => "👋".repeat(count);
const letters = (count: number) =>
  Array.from(
    crypto.getRandomValues(new Uint8Array(count)),
    (byte) => "abcdefghijklmnopqrstuvwxyz"[byte % 26],
  ).join("");
const randomUuid = () => crypto.randomUUID();

async function answer(result: Promise<{ response: Response; error?: unknown }>): Promise<Answer> {
  const { response, error } = await result;
  const errors = (error as { errors?: { pointer: string }[] } | undefined)?.errors ?? [];
  return { status: response.status, errors: errors.map((e) => e.pointer) };
}

describe("every rule a client can break, at its limit and one past it (real processes)", () => {
  let platform: PlatformUnderTest;
  let api: TestClient;
  let checks: DocumentChecks;
  let validate: (pointer: string, value: unknown) => boolean;
  let others: string[];
  let conversationId: string;

  const newClient = () => createTestClient(platform.gatewayUrl, [], checks);
  const register = async (client = newClient()) => {
    await signIn(client, "register", {
      username: `u${letters(4)}${crypto.randomUUID().slice(0, 8)}`,
      password: "correct horse battery",
    });
    return client;
  };

  beforeAll(async () => {
    platform = await startPlatformUnderTest({
      env: { RATE_LIMIT_AUTH_PER_MINUTE: "1000000", RATE_LIMIT_PER_MINUTE: "1000000" },
    });
    checks = new DocumentChecks(platform.gatewayUrl);
    const document = (await (await fetch(`${platform.gatewayUrl}/openapi.json`)).json()) as object;
    const ajv = new Ajv2020({ strict: false, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema(document, "openapi");
    validate = (pointer, value) => ajv.compile({ $ref: `openapi${pointer}` })(value) as boolean;

    api = await register();
    // Enough users for the largest group: everyone but its creator.
    others = [];
    while (others.length < limits.groupMembersAtCreation.max) {
      const batch = await Promise.all(Array.from({ length: 15 }, () => register()));
      others.push(...(await Promise.all(batch.map(async (c) => (await c.GET("/v1/users/me")).data!.id))));
    }
    others.length = limits.groupMembersAtCreation.max;
    const { data } = await api.POST("/v1/conversations/direct", { body: { userId: others[0] } });
    conversationId = data!.id;
  }, 180_000);
  afterAll(() => platform.teardown());

  const body = (schema: string, field: string) => `#/components/schemas/${schema}/properties/${field}`;
  const parameter = (path: string, method: string, index: number) =>
    `#/paths/${path.replace(/\//g, "~1")}/${method}/parameters/${index}/schema`;

  const cases = (): Case[] => {
    const credentials = (field: "username" | "password") => (value: unknown) =>
      answer(
        newClient().POST("/v1/auth/register", {
          body: {
            username: `v${crypto.randomUUID().slice(0, 8)}`,
            password: "correct horse battery",
            [field]: value,
          } as never,
        }),
      );
    const newGroup = (field: "title" | "memberIds") => (value: unknown) =>
      answer(
        api.POST("/v1/conversations", { body: { title: "Limits", memberIds: [], [field]: value } as never }),
      );
    const send = (headers: Record<string, string>, text: string) =>
      answer(
        api.POST("/v1/conversations/{conversationId}/messages", {
          params: { path: { conversationId }, header: headers as never },
          body: { body: text },
        }),
      );
    const u = limits.username;
    const p = limits.password;
    return [
      {
        rule: "username, shortest",
        schema: body("Credentials", "username"),
        value: letters(u.min),
        pointer: "#/body/username",
        send: credentials("username"),
        accepted: 201,
      },
      {
        rule: "username, too short",
        schema: body("Credentials", "username"),
        value: letters(u.min - 1),
        pointer: "#/body/username",
        send: credentials("username"),
        accepted: 201,
      },
      {
        rule: "username, longest",
        schema: body("Credentials", "username"),
        value: `Z${letters(u.max - 1)}`,
        pointer: "#/body/username",
        send: credentials("username"),
        accepted: 201,
      },
      {
        rule: "username, too long",
        schema: body("Credentials", "username"),
        value: letters(u.max + 1),
        pointer: "#/body/username",
        send: credentials("username"),
        accepted: 201,
      },
      {
        rule: "username, Kelvin sign",
        schema: body("Credentials", "username"),
        value: `\u212A${letters(5)}`,
        pointer: "#/body/username",
        send: credentials("username"),
        accepted: 201,
      },
      {
        rule: "password, shortest (code points)",
        schema: body("Credentials", "password"),
        value: emoji(p.min),
        pointer: "#/body/password",
        send: credentials("password"),
        accepted: 201,
      },
      {
        rule: "password, too short",
        schema: body("Credentials", "password"),
        value: emoji(p.min - 1),
        pointer: "#/body/password",
        send: credentials("password"),
        accepted: 201,
      },
      {
        rule: "password, longest (code points)",
        schema: body("Credentials", "password"),
        value: emoji(p.max),
        pointer: "#/body/password",
        send: credentials("password"),
        accepted: 201,
      },
      {
        rule: "password, too long",
        schema: body("Credentials", "password"),
        value: emoji(p.max + 1),
        pointer: "#/body/password",
        send: credentials("password"),
        accepted: 201,
      },
      {
        rule: "title, longest",
        schema: body("NewGroup", "title"),
        value: emoji(limits.groupTitle.max),
        pointer: "#/body/title",
        send: newGroup("title"),
        accepted: 201,
      },
      {
        rule: "title, too long",
        schema: body("NewGroup", "title"),
        value: emoji(limits.groupTitle.max + 1),
        pointer: "#/body/title",
        send: newGroup("title"),
        accepted: 201,
      },
      {
        rule: "title, white space only",
        schema: body("NewGroup", "title"),
        value: " \t ",
        pointer: "#/body/title",
        send: newGroup("title"),
        accepted: 201,
      },
      {
        rule: "members at creation, most",
        schema: body("NewGroup", "memberIds"),
        value: others,
        pointer: "#/body/memberIds",
        send: newGroup("memberIds"),
        accepted: 201,
      },
      {
        rule: "members at creation, too many",
        schema: body("NewGroup", "memberIds"),
        value: [...others, randomUuid()],
        pointer: "#/body/memberIds",
        send: newGroup("memberIds"),
        accepted: 201,
      },
      {
        rule: "members at creation, repeated",
        schema: body("NewGroup", "memberIds"),
        value: [others[0], others[0]],
        pointer: "#/body/memberIds",
        send: newGroup("memberIds"),
        accepted: 201,
      },
      {
        rule: "message body, longest (code points)",
        schema: body("NewMessage", "body"),
        value: emoji(limits.messageBody.max),
        pointer: "#/body/body",
        send: (v) => send({ "Idempotency-Key": randomUuid() }, v as string),
        accepted: 201,
      },
      {
        rule: "message body, too long",
        schema: body("NewMessage", "body"),
        value: emoji(limits.messageBody.max + 1),
        pointer: "#/body/body",
        send: (v) => send({ "Idempotency-Key": randomUuid() }, v as string),
        accepted: 201,
      },
      {
        rule: "message body, with NUL",
        schema: body("NewMessage", "body"),
        value: "a\u0000b",
        pointer: "#/body/body",
        send: (v) => send({ "Idempotency-Key": randomUuid() }, v as string),
        accepted: 201,
      },
      {
        rule: "idempotency key, longest",
        schema: parameter("/v1/conversations/{conversationId}/messages", "post", 1),
        value: "k".repeat(limits.idempotencyKey.max),
        pointer: "#/headers/Idempotency-Key",
        send: (v) => send({ "Idempotency-Key": v as string }, "hi"),
        accepted: 201,
      },
      {
        rule: "idempotency key, too long",
        schema: parameter("/v1/conversations/{conversationId}/messages", "post", 1),
        value: "k".repeat(limits.idempotencyKey.max + 1),
        pointer: "#/headers/Idempotency-Key",
        send: (v) => send({ "Idempotency-Key": v as string }, "hi"),
        accepted: 201,
      },
      {
        rule: "page size, largest",
        schema: parameter("/v1/conversations", "get", 0),
        value: limits.pageSize.max,
        pointer: "#/query/pageSize",
        send: (v) => answer(api.GET("/v1/conversations", { params: { query: { pageSize: v as number } } })),
        accepted: 200,
      },
      {
        rule: "page size, too large",
        schema: parameter("/v1/conversations", "get", 0),
        value: limits.pageSize.max + 1,
        pointer: "#/query/pageSize",
        send: (v) => answer(api.GET("/v1/conversations", { params: { query: { pageSize: v as number } } })),
        accepted: 200,
      },
      {
        rule: "page size, zero",
        schema: parameter("/v1/conversations", "get", 0),
        value: 0,
        pointer: "#/query/pageSize",
        send: (v) => answer(api.GET("/v1/conversations", { params: { query: { pageSize: v as number } } })),
        accepted: 200,
      },
      {
        rule: "presence ids, most",
        schema: parameter("/v1/presence", "get", 0),
        value: others.slice(0, limits.userIdLookup.max),
        pointer: "#/query/userIds",
        send: (v) => answer(api.GET("/v1/presence", { params: { query: { userIds: v as string[] } } })),
        accepted: 200,
      },
      {
        rule: "presence ids, too many",
        schema: parameter("/v1/presence", "get", 0),
        value: others.slice(0, limits.userIdLookup.max + 1),
        pointer: "#/query/userIds",
        send: (v) => answer(api.GET("/v1/presence", { params: { query: { userIds: v as string[] } } })),
        accepted: 200,
      },
      {
        rule: "refresh token, longest (no such token)",
        schema: body("RefreshRequest", "refreshToken"),
        value: "r".repeat(limits.refreshToken.max),
        pointer: "#/body/refreshToken",
        send: (v) => answer(newClient().POST("/v1/auth/refresh", { body: { refreshToken: v as string } })),
        accepted: 401,
      },
      {
        rule: "refresh token, too long",
        schema: body("RefreshRequest", "refreshToken"),
        value: "r".repeat(limits.refreshToken.max + 1),
        pointer: "#/body/refreshToken",
        send: (v) => answer(newClient().POST("/v1/auth/refresh", { body: { refreshToken: v as string } })),
        accepted: 401,
      },
      {
        rule: "conversation id, lowercase (none such)",
        schema: parameter("/v1/conversations/{conversationId}", "get", 0),
        value: randomUuid(),
        pointer: "#/params/conversationId",
        send: (v) =>
          answer(
            api.GET("/v1/conversations/{conversationId}", {
              params: { path: { conversationId: v as string } },
            }),
          ),
        accepted: 404,
      },
      {
        rule: "conversation id, upper case",
        schema: parameter("/v1/conversations/{conversationId}", "get", 0),
        value: conversationId.toUpperCase(),
        pointer: "#/params/conversationId",
        send: (v) =>
          answer(
            api.GET("/v1/conversations/{conversationId}", {
              params: { path: { conversationId: v as string } },
            }),
          ),
        accepted: 200,
      },
    ];
  };

  it("when each value is judged by the document and sent through the gateway, then both agree", async () => {
    const expectedByDocument = (rule: string) =>
      !/too |repeated|Kelvin|white space only|with NUL|zero|upper case/.test(rule);
    const results = [];
    for (const c of cases()) {
      const documentAccepts = validate(c.schema, c.value);
      const { status, errors } = await c.send(c.value);
      const gatewayAccepts = !(status === 400 && errors.includes(c.pointer));
      results.push({
        rule: c.rule,
        documentAccepts,
        gatewayAccepts,
        status: gatewayAccepts ? status : "400 naming the field",
      });
    }
    expect(results).toEqual(
      cases().map((c) => {
        const accepted = expectedByDocument(c.rule);
        return {
          rule: c.rule,
          documentAccepts: accepted,
          gatewayAccepts: accepted,
          status: accepted ? c.accepted : "400 naming the field",
        };
      }),
    );
  }, 120_000);

  it("when a group is full, then adding the 256th member is refused with the document's 409", async () => {
    const { data: group } = await api.POST("/v1/conversations", {
      body: { title: "Full", memberIds: others },
    });
    const newcomer = (await (await register()).GET("/v1/users/me")).data!.id;
    const { response } = await api.POST("/v1/conversations/{conversationId}/members", {
      params: { path: { conversationId: group!.id } },
      body: { userIds: [newcomer] },
    });
    expect(response.status).toBe(409);
    expect(validate(body("AddMembersRequest", "userIds"), others)).toBe(true);
    expect(validate(body("AddMembersRequest", "userIds"), [...others, randomUuid()])).toBe(false);
  }, 30_000);

  it("when the direct conversation names both users or neither, then the document and the gateway refuse it", async () => {
    const schema = "#/components/schemas/DirectConversationRequest";
    for (const request of [{ userId: others[1], username: "someone" }, {}]) {
      expect(validate(schema, request)).toBe(false);
      const { status } = await answer(api.POST("/v1/conversations/direct", { body: request as never }));
      expect(status).toBe(400);
    }
    expect(validate(schema, { userId: others[1] })).toBe(true);
  });
});
