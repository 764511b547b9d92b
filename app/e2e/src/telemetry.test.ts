import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "@parley/launcher";
import {
  type Account,
  type TestClient,
  createTestClient,
  type PlatformUnderTest,
  SseClient,
  directConversation,
  eventually,
  parseMetrics,
  register,
  sendMessage,
  startPlatformUnderTest,
  total,
} from "@parley/test-support";
import { OtlpReceiver, type ReceivedSpan, SpanKind, isDescendant } from "./telemetry/otlp-receiver";

const tracingEnv = (endpoint: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
  OTEL_BSP_SCHEDULE_DELAY: "100",
  OTEL_TRACES_SAMPLER: "parentbased_always_on",
});

/** A W3C traceparent the test chooses, so it knows the trace id of what it starts. */
function newTraceparent() {
  const traceId = randomBytes(16).toString("hex");
  return { traceId, header: `00-${traceId}-${randomBytes(8).toString("hex")}-01` };
}

/** Every process exports on its own schedule: wait for the last hop of each service, not just one. */
const wholeChain = (all: ReceivedSpan[]) =>
  ["sse push", "notification push"].every((name) => all.some((s) => s.name === name)) &&
  all.some(
    (s) =>
      s.service === "notification" && s.kind === SpanKind.CONSUMER && s.name.includes("notification.events"),
  );

async function spansUntil(receiver: OtlpReceiver, traceId: string, done: (spans: ReceivedSpan[]) => boolean) {
  await eventually(() => done(receiver.trace(traceId)), 20_000, 100);
  return receiver.trace(traceId);
}

/** Finds one span and says which one was missing when it is not there. */
function one(
  spans: ReceivedSpan[],
  description: string,
  matches: (span: ReceivedSpan) => boolean,
): ReceivedSpan {
  const found = spans.find(matches);
  if (!found) {
    throw new Error(
      `no ${description} span among:\n${spans.map((s) => `  ${s.service} ${s.kind} ${s.name}`).join("\n")}`,
    );
  }
  return found;
}

const statementOf = (span: ReceivedSpan) =>
  String(span.attributes["db.query.text"] ?? span.attributes["db.statement"] ?? "");

/** Each span must sit below the one before it: the chain is one unbroken trace. */
function expectChain(spans: ReceivedSpan[], chain: ReceivedSpan[]) {
  for (let i = 1; i < chain.length; i += 1) {
    const [parent, child] = [chain[i - 1]!, chain[i]!];
    expect({
      child: `${child.service} ${child.name}`,
      below: `${parent.service} ${parent.name}`,
      ok: isDescendant(spans, child, parent),
    }).toEqual({
      child: `${child.service} ${child.name}`,
      below: `${parent.service} ${parent.name}`,
      ok: true,
    });
  }
}

describe("one trace per user action, metrics and logs (real processes, OTLP receiver in the test)", () => {
  const receiver = new OtlpReceiver();
  let platform: PlatformUnderTest;
  let api: TestClient;
  let ada: Account;
  let bob: Account;
  let conversation: string;
  let stream: SseClient;
  let messageTrace: string;

  beforeAll(async () => {
    // At debug: successful gRPC calls log their line there, and the test follows one trace through them.
    platform = await startPlatformUnderTest({
      env: { ...tracingEnv(await receiver.start()), LOG_LEVEL: "debug" },
    });
    api = createTestClient(platform.gatewayUrl);
    [ada, bob] = [await register(api, "ada"), await register(api, "bob")];
    conversation = await directConversation(ada, bob);
    stream = new SseClient(platform.gatewayUrl, bob.token);
    expect(await stream.connect()).toBe(200);
  }, 60_000);

  afterAll(async () => {
    stream?.close();
    await platform?.teardown();
    await receiver.stop();
  });

  it("when a message is sent, then HTTP, gRPC, PostgreSQL, both AMQP hops and the live push form one trace", async () => {
    const { traceId, header } = newTraceparent();
    messageTrace = traceId;
    const { status, id } = await sendMessage(ada, conversation, "traced hello", randomUUID(), {
      traceparent: header,
    });
    expect(status).toBe(201);
    expect(await stream.waitFor(() => stream.notifications().some((n) => n.detail.messageId === id))).toBe(
      true,
    );
    const spans = await spansUntil(receiver, traceId, wholeChain);

    const http = one(
      spans,
      "gateway HTTP server",
      (s) => s.service === "gateway" && s.kind === SpanKind.SERVER,
    );
    const grpcClient = one(
      spans,
      "gateway gRPC client",
      (s) =>
        s.service === "gateway" && s.kind === SpanKind.CLIENT && s.attributes["rpc.method"] === "SendMessage",
    );
    const grpcServer = one(
      spans,
      "messaging gRPC server",
      (s) =>
        s.service === "messaging" &&
        s.kind === SpanKind.SERVER &&
        s.attributes["rpc.method"] === "SendMessage",
    );
    const insert = one(
      spans,
      "messaging INSERT",
      (s) => s.service === "messaging" && /INSERT INTO messages/.test(statementOf(s)),
    );
    const outbox = one(
      spans,
      "outbox INSERT",
      (s) => s.service === "messaging" && /INSERT INTO outbox/.test(statementOf(s)),
    );
    const publish = one(
      spans,
      "relay PRODUCER",
      (s) => s.service === "messaging" && s.kind === SpanKind.PRODUCER,
    );
    const consume = one(
      spans,
      "notification CONSUMER",
      (s) =>
        s.service === "notification" &&
        s.kind === SpanKind.CONSUMER &&
        s.name.includes("notification.events"),
    );
    const stored = one(
      spans,
      "notification INSERT",
      (s) => s.service === "notification" && /INSERT INTO notification/.test(statementOf(s)),
    );
    const push = one(
      spans,
      "live push",
      (s) => s.service === "notification" && s.name === "notification push",
    );
    const sse = one(spans, "SSE push", (s) => s.service === "gateway" && s.name === "sse push");

    expect(http.parentSpanId).toBe(header.split("-")[2]);
    expectChain(spans, [http, grpcClient, grpcServer, insert]);
    expectChain(spans, [grpcServer, outbox]);
    expectChain(spans, [grpcServer, publish, consume, stored]);
    expectChain(spans, [consume, push, sse]);
    expect(publish.attributes["messaging.system"] ?? "rabbitmq").toBe("rabbitmq");
    expect(http.attributes["http.route"] ?? http.name).toMatch(
      /\/v1\/conversations\/:conversationId\/messages/,
    );
    // Current semantic conventions, which the span metrics' dimensions and the service graph read.
    expect(publish.attributes).toMatchObject({
      "messaging.destination.name": `${platform.namespace}.events`,
      "messaging.operation.type": "send",
    });
    expect(consume.attributes).toMatchObject({ "messaging.operation.type": "process" });
    expect([grpcClient.attributes["rpc.system.name"], grpcServer.attributes["rpc.system.name"]]).toEqual([
      "grpc",
      "grpc",
    ]);
  });

  it("when a user signs in with an open stream, then register/login, the user.* event and its notification form one trace", async () => {
    const { traceId, header } = newTraceparent();
    const login = await api.POST("/v1/auth/login", {
      body: { username: bob.username, password: "correct horse battery" },
      headers: { traceparent: header },
    });
    expect(login.response.status).toBe(200);
    const spans = await spansUntil(receiver, traceId, wholeChain);
    const http = one(
      spans,
      "gateway HTTP server",
      (s) => s.service === "gateway" && s.kind === SpanKind.SERVER,
    );
    const login_ = one(
      spans,
      "auth gRPC server",
      (s) => s.service === "auth" && s.kind === SpanKind.SERVER && s.attributes["rpc.method"] === "Login",
    );
    const session = one(
      spans,
      "sessions INSERT",
      (s) => s.service === "auth" && /INSERT INTO sessions/.test(statementOf(s)),
    );
    const publish = one(spans, "relay PRODUCER", (s) => s.service === "auth" && s.kind === SpanKind.PRODUCER);
    const consume = one(
      spans,
      "notification CONSUMER",
      (s) => s.service === "notification" && s.kind === SpanKind.CONSUMER,
    );
    const push = one(spans, "live push", (s) => s.name === "notification push");
    const sse = one(spans, "SSE push", (s) => s.name === "sse push");
    expectChain(spans, [http, login_, session]);
    expectChain(spans, [login_, publish, consume, push, sse]);
  });

  it("when the services are scraped after that traffic, then the catalogued series count the calls and carry the traces as exemplars", async () => {
    const scrape = async (name: string) => {
      const response = await fetch(
        `http://127.0.0.1:${platform.processes.get(name as "auth")![0]!.adminPort}/metrics`,
        {
          headers: { accept: "application/openmetrics-text; version=1.0.0" },
        },
      );
      expect(response.headers.get("content-type")).toContain("application/openmetrics-text");
      return parseMetrics(await response.text()).samples;
    };
    const seenTraces = new Set(receiver.spans.map((s) => s.traceId));

    const gateway = await scrape("gateway");
    const route = {
      http_route: "/v1/conversations/:conversationId/messages",
      http_request_method: "POST",
      http_response_status_code: "201",
    };
    expect(total(gateway, "http_server_request_duration_seconds_count", route)).toBeGreaterThanOrEqual(1);
    expect(
      total(gateway, "grpc_client_handled_total", {
        grpc_method: "SendMessage",
        grpc_code: "OK",
        service: "gateway",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(gateway, "parley_sse_streams_open")).toBeGreaterThanOrEqual(1);
    const httpExemplars = gateway.filter(
      (s) => s.name === "http_server_request_duration_seconds_bucket" && s.exemplar,
    );
    expect(httpExemplars.some((s) => s.exemplar!.trace_id === messageTrace)).toBe(true);

    const messaging = await scrape("messaging");
    expect(
      total(messaging, "grpc_server_handled_total", {
        grpc_service: "parley.messaging.v1.MessagingService",
        grpc_method: "SendMessage",
        grpc_code: "OK",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(messaging, "parley_events_published_total", { event_type: "message.sent" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(messaging, "parley_events_confirmed_total", { event_type: "message.sent" }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(messaging, "db_client_connection_count")).toBeGreaterThanOrEqual(1);
    expect(messaging.some((s) => s.name === "parley_outbox_pending")).toBe(true);
    expect(
      messaging.some(
        (s) =>
          s.name === "grpc_server_handling_seconds_bucket" &&
          s.exemplar &&
          seenTraces.has(s.exemplar.trace_id!),
      ),
    ).toBe(true);

    const notification = await scrape("notification");
    expect(
      total(notification, "parley_events_consumed_total", {
        consumer: "notification",
        event_type: "message.sent",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(notification, "parley_events_acked_total", {
        consumer: "notification",
        event_type: "message.sent",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(notification, "parley_notification_delivery_seconds_count", { kind: "message_received" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      notification.some(
        (s) =>
          s.name === "parley_notification_delivery_seconds_bucket" && s.exemplar?.trace_id === messageTrace,
      ),
    ).toBe(true);

    const auth = await scrape("auth");
    expect(
      total(auth, "grpc_server_handled_total", { grpc_method: "Register", grpc_code: "OK" }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      total(auth, "parley_events_confirmed_total", { event_type: "user.registered" }),
    ).toBeGreaterThanOrEqual(2);
  });

  it("when the catalogue is compared with what each service exposes, then they match both ways", async () => {
    const catalogue = readFileSync(join(repositoryRoot, "observability", "metrics.md"), "utf8");
    const rows = catalogue
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => {
        const cells = line.split("|").map((cell) => cell.trim());
        return { names: [...cells[1]!.matchAll(/`([a-z_*]+)`/g)].map((m) => m[1]!), services: cells[4]! };
      });
    const listedFor = (service: string) =>
      rows
        .filter(
          (row) =>
            row.services === "all" ||
            row.services
              .split(",")
              .map((s) => s.trim())
              .includes(service),
        )
        .flatMap((row) => row.names);

    const problems: string[] = [];
    for (const service of ["gateway", "auth", "messaging", "notification"] as const) {
      const response = await fetch(
        `http://127.0.0.1:${platform.processes.get(service)![0]!.adminPort}/metrics`,
      );
      const exposed = [...parseMetrics(await response.text()).families.keys()];
      const listed = listedFor(service);
      const isListed = (name: string) =>
        listed.some((entry) => (entry.endsWith("*") ? name.startsWith(entry.slice(0, -1)) : entry === name));
      for (const name of exposed.filter((n) => !isListed(n)))
        problems.push(`${service} exposes ${name}, which the catalogue does not list for it`);
      for (const name of listed.filter((n) => !n.endsWith("*") && !exposed.includes(n))) {
        problems.push(`the catalogue lists ${name} for ${service}, which does not expose it`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("when the services logged all that, then lines carry the trace id of their request and never a secret or a body", () => {
    const entries = platform.logs.map(({ name, line }) => ({
      name,
      entry: JSON.parse(line) as Record<string, unknown>,
    }));
    const ofTrace = entries.filter(({ entry }) => entry.trace_id === messageTrace);
    expect(ofTrace.some(({ name, entry }) => name === "gateway" && entry.msg === "http request")).toBe(true);
    expect(ofTrace.some(({ name, entry }) => name === "messaging" && entry.msg === "grpc call")).toBe(true);
    expect(ofTrace.every(({ entry }) => typeof entry.span_id === "string")).toBe(true);
    const text = platform.logs.map(({ line }) => line).join("\n");
    expect(text).not.toContain("correct horse battery");
    expect(text).not.toContain("traced hello");
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});

describe("span links instead of parent-child across the broker (PARLEY_TRACE_CONSUMER_LINKS=true)", () => {
  const receiver = new OtlpReceiver();
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    const env = tracingEnv(await receiver.start());
    platform = await startPlatformUnderTest({
      env,
      serviceEnv: { notification: { PARLEY_TRACE_CONSUMER_LINKS: "true" } },
    });
  }, 60_000);
  afterAll(async () => {
    await platform?.teardown();
    await receiver.stop();
  });

  it("when the switch is on, then the consumer starts its own trace with a link to the producer span", async () => {
    const api = createTestClient(platform.gatewayUrl);
    const { traceId, header } = newTraceparent();
    const { response } = await api.POST("/v1/auth/register", {
      body: { username: `link${randomUUID().slice(0, 8)}`, password: "correct horse battery" },
      headers: { traceparent: header },
    });
    expect(response.status).toBe(201);
    const producerTrace = await spansUntil(receiver, traceId, (all) =>
      all.some((s) => s.kind === SpanKind.PRODUCER),
    );
    const producer = one(
      producerTrace,
      "auth PRODUCER",
      (s) => s.service === "auth" && s.kind === SpanKind.PRODUCER,
    );
    expect(producerTrace.some((s) => s.service === "notification")).toBe(false);

    const linkedConsumer = () =>
      receiver.spans.find(
        (s) => s.kind === SpanKind.CONSUMER && s.links.some((l) => l.spanId === producer.spanId),
      );
    await eventually(() => linkedConsumer() !== undefined, 20_000, 100);
    const consumer = linkedConsumer();
    expect(consumer).toBeDefined();
    expect(consumer!.traceId).not.toBe(traceId);
    expect(consumer!.links).toEqual(
      expect.arrayContaining([expect.objectContaining({ traceId, spanId: producer.spanId })]),
    );
  });
});
