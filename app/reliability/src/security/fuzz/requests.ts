import fc from "fast-check";
import type { JsonSchema, Operation } from "@parley/test-support";
import type { RawRequest } from "./raw-http";

/** What the fuzzer knows of the platform: real ids to aim at and tokens to send. */
export interface FuzzTargets {
  /** Ids that exist (the fuzzing user's conversations, messages, notifications, users). */
  ids: string[];
  /** A valid access token (requests with it reach the services behind the gateway). */
  token: string;
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ minLength: 200, maxLength: 5000 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "\u202e\u0041",
    "../../etc/passwd",
    "' OR 1=1 --",
    "'; DROP TABLE users; --",
    "${jndi:ldap://127.0.0.1/x}",
    "<script>alert(1)</script>",
    "%00",
    "__proto__",
    "constructor",
  ),
);

/** Numbers past every limit and number-like strings. */
const hugeNumber = fc.constantFrom(
  "1e309",
  "-1e309",
  "1e400",
  "123456789012345678901234567890",
  "-0",
  "0.0000000000000000000000001",
  "9007199254740993",
  "NaN",
  "Infinity",
);

/** A JSON value shaped by the schema most of the time, and off it (wrong type, out of bounds) otherwise. */
function fromSchema(schema: JsonSchema | undefined, targets: FuzzTargets, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((s) => fromSchema(s, targets, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const offSchema = fc.oneof(fc.jsonValue({ maxDepth: 2 }), hugeNumber.map(Number), text);
  let shaped: fc.Arbitrary<unknown>;
  switch (type) {
    case "string":
      shaped =
        schema.format === "uuid"
          ? fc.oneof(fc.uuid(), fc.constantFrom(...targets.ids), text)
          : fc.oneof(
              fc.string({
                minLength: schema.minLength ?? 0,
                maxLength: Math.min(schema.maxLength ?? 64, 64),
              }),
              fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
              text,
            );
      break;
    case "integer":
    case "number":
      shaped = fc.oneof(
        fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 }),
        fc.integer(),
        fc.double(),
      );
      break;
    case "boolean":
      shaped = fc.boolean();
      break;
    case "array":
      shaped = fc.oneof(
        fc.array(fromSchema(schema.items, targets, depth + 1), { maxLength: 5 }),
        fc.array(fc.uuid(), { minLength: 250, maxLength: 300 }),
      );
      break;
    case "object": {
      const properties = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, s]) => [name, fromSchema(s, targets, depth + 1)]),
      );
      shaped = fc
        .tuple(
          fc.record(properties, { requiredKeys: [] }),
          fc.option(
            fc.dictionary(
              fc.constantFrom("isAdmin", "id", "role", "__proto__", "userId", "x"),
              fc.jsonValue({ maxDepth: 1 }),
            ),
            {
              freq: 3,
            },
          ),
        )
        .map(([known, extra]) => ({ ...known, ...(extra ?? {}) }));
      break;
    }
    default:
      shaped = fc.jsonValue({ maxDepth: 2 });
  }
  return fc.oneof({ arbitrary: shaped, weight: 9 }, { arbitrary: offSchema, weight: 1 });
}

/** Bodies no schema would produce: broken JSON, invalid UTF-8, deep nesting, huge numbers, big sizes. */
const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) =>
      Buffer.concat([Buffer.from('{"body":"'), Buffer.from(bytes), Buffer.from('","title":"x"}')]),
    ),
  fc.integer({ min: 1, max: 200_000 }).map((n) => Buffer.from("[".repeat(n) + "]".repeat(n))),
  fc.integer({ min: 1, max: 20_000 }).map((n) => Buffer.from(`${'{"a":'.repeat(n)}1${"}".repeat(n)}`)),
  hugeNumber.map((n) => Buffer.from(`{"body":${n},"title":${n},"pageSize":${n},"userIds":[${n}]}`)),
  fc
    .constantFrom(
      '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}',
      '{"body":"\\ud800\\udfff\\ud800","title":"\\u0000"}',
      '{"body":"a","body":"b"}',
      "\ufeff{}",
      "{",
      "",
      "null",
      "[]",
      '"text"',
    )
    .map((s) => Buffer.from(s)),
  fc.integer({ min: 60_000, max: 70_000 }).map((n) => Buffer.from(JSON.stringify({ body: "x".repeat(n) }))),
);

const contentType = fc.oneof(
  { arbitrary: fc.constant("application/json"), weight: 6 },
  fc.constantFrom(
    "application/json; charset=utf-8",
    "application/problem+json",
    "application/json; charset=latin1",
    "application/json; charset=utf-16",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
    undefined,
  ),
);

/** Extra headers that try to smuggle, inject or confuse. */
const hostileHeaders: fc.Arbitrary<[string, Buffer | string][]> = fc.array(
  fc.oneof(
    fc.constant<[string, string]>(["X-Forwarded-For", "127.0.0.1, evil"]),
    fc.constant<[string, string]>(["X-Request-Id", "a\u0000b"]),
    fc.constant<[string, string]>(["Content-Encoding", "gzip"]),
    fc.constant<[string, string]>(["Content-Encoding", "br, deflate"]),
    fc.constant<[string, string]>(["X-Injected", "x\r\nX-Admin: true"]),
    fc.constant<[string, string]>(["X-Header", "a\nb"]),
    fc.constant<[string, string]>(["Accept", "*/*; q=abc"]),
    fc.constant<[string, string]>(["Last-Event-ID", "-1"]),
    fc.constant<[string, string]>(["Idempotency-Key", "k\r\n\r\nGET / HTTP/1.1"]),
    fc
      .uint8Array({ minLength: 1, maxLength: 40 })
      .map((bytes): [string, Buffer] => ["X-Bytes", Buffer.from(bytes)]),
    fc.integer({ min: 9000, max: 20_000 }).map((n): [string, string] => ["X-Big", "b".repeat(n)]),
  ),
  { maxLength: 2 },
);

/** A path value: a real id, any uuid, or something that is no id at all (including bad percent-encoding). */
function pathValue(targets: FuzzTargets): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...targets.ids).map((id) => Buffer.from(id)), weight: 3 },
    { arbitrary: fc.uuid().map((id) => Buffer.from(id)), weight: 2 },
    text.map((value) => Buffer.from(encodeURIComponent(value.replace(/[\ud800-\udfff]/g, "x")))),
    fc
      .constantFrom("%FF", "%", "%E0%A4%A", "%C0%AF", "..%2F..%2F", "%2e%2e", "a%00b")
      .map((v) => Buffer.from(v)),
    fc.uint8Array({ minLength: 1, maxLength: 20 }).map((bytes) => Buffer.from(bytes)),
  );
}

function queryValue(schema: JsonSchema, targets: FuzzTargets): fc.Arbitrary<string> {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const plain =
    type === "integer" || type === "number"
      ? fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), hugeNumber)
      : fc.oneof(
          fc.constantFrom(...targets.ids),
          text,
          fc.uuid().map((ids) => `${ids},${targets.ids[0]}`),
        );
  return fc.oneof(
    { arbitrary: plain.map((v) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, "x"))), weight: 4 },
    { arbitrary: fc.constantFrom("%FF", "%", "a%00b", "%E0%A4%A"), weight: 1 },
  );
}

/** Requests for one operation of the OpenAPI document, mostly plausible, often hostile. */
export function requestsFor(op: Operation, targets: FuzzTargets): fc.Arbitrary<RawRequest> {
  const pathNames = [...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const query = op.parameters.filter((p) => p.in === "query");
  const headerParams = op.parameters.filter((p) => p.in === "header");
  // Logging out with the fuzzer's own token would end its session and make the rest shallow.
  const authChoices =
    op.template === "/v1/auth/logout"
      ? ["none", "garbage", "forged"]
      : ["valid", "valid", "valid", "valid", "none", "garbage", "forged"];
  return fc
    .record({
      path: fc.tuple(...pathNames.map(() => pathValue(targets))),
      query: fc.tuple(...query.map((p) => fc.option(queryValue(p.schema, targets), { freq: 4 }))),
      extraQuery: fc.option(
        fc.constantFrom("pageSize=1&pageSize=2", "x=1", "__proto__[a]=1", "userIds=&userIds="),
        { freq: 4 },
      ),
      headerValues: fc.tuple(
        ...headerParams.map((p) =>
          fc.option(
            fc.oneof(
              p.schema.pattern ? fc.stringMatching(new RegExp(p.schema.pattern)) : fc.string(),
              fc.string({ unit: "grapheme", maxLength: 20 }),
              fc.string({ minLength: 129, maxLength: 400 }),
              hugeNumber,
            ),
            { freq: 5 },
          ),
        ),
      ),
      auth: fc.constantFrom(...authChoices),
      contentType,
      body: op.bodySchema
        ? fc.oneof(
            {
              arbitrary: fromSchema(op.bodySchema, targets).map((v) => Buffer.from(JSON.stringify(v) ?? "")),
              weight: 5,
            },
            { arbitrary: hostileBody, weight: 2 },
            { arbitrary: fc.constant(undefined), weight: 1 },
          )
        : fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: hostileBody, weight: 1 }),
      extraHeaders: fc.oneof(
        { arbitrary: fc.constant([]), weight: 3 },
        { arbitrary: hostileHeaders, weight: 1 },
      ),
    })
    .map((parts): RawRequest => {
      let index = 0;
      const path = op.template
        .split(/(\{[^}]+\})/)
        .map((piece) => (piece.startsWith("{") ? parts.path[index++]! : Buffer.from(piece)));
      const pairs = query.flatMap((p, i) => (parts.query[i] === null ? [] : [`${p.name}=${parts.query[i]}`]));
      if (parts.extraQuery) pairs.push(parts.extraQuery);
      const target = Buffer.concat([...path, Buffer.from(pairs.length ? `?${pairs.join("&")}` : "")]);
      const headers: [string, Buffer | string][] = [];
      if (parts.auth === "valid") headers.push(["Authorization", `Bearer ${targets.token}`]);
      if (parts.auth === "garbage") headers.push(["Authorization", "Bearer ey.ey.ey"]);
      if (parts.auth === "forged")
        headers.push(["Authorization", `Bearer ${targets.token.slice(0, -6)}AAAAAA`]);
      headerParams.forEach((p, i) => {
        const value = parts.headerValues[i];
        if (value !== null && value !== undefined) headers.push([p.name, value]);
      });
      if (parts.contentType !== undefined && parts.body) headers.push(["Content-Type", parts.contentType]);
      headers.push(...parts.extraHeaders);
      return { method: op.method.toUpperCase(), target, headers, body: parts.body ?? undefined };
    });
}

/** Requests for paths and methods the API does not have. */
export const strayRequests: fc.Arbitrary<RawRequest> = fc
  .record({
    method: fc.constantFrom(
      "GET",
      "POST",
      "PUT",
      "PATCH",
      "DELETE",
      "OPTIONS",
      "HEAD",
      "TRACE",
      "PROPFIND",
      "get",
    ),
    path: fc.oneof(
      fc.constantFrom(
        "/",
        "/v1",
        "/v1/",
        "/admin",
        "/metrics",
        "/readyz",
        "/v1/conversations/../../etc/passwd",
        "//v1/users/me",
        "/v1/users/me/",
        "/v1/users/me%00",
        "/openapi.json?x=%FF",
        "*",
        "/v1/%2e%2e/%2e%2e/",
      ),
      fc.webPath(),
      fc.uint8Array({ minLength: 1, maxLength: 30 }).map((b) => `/${Buffer.from(b).toString("latin1")}`),
    ),
    body: fc.option(hostileBody, { freq: 3 }),
  })
  .map(({ method, path, body }) => ({
    method,
    target: Buffer.from(path, "latin1"),
    headers: [["Content-Type", "application/json"]],
    body: body ?? undefined,
  }));
