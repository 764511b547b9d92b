// The live check: the built services, postgres_exporter and RabbitMQ's own plugin scraped by a real
// Prometheus, traffic with failures in it, then every dashboard query and every rule evaluated
// through Prometheus' HTTP API. Each must parse, and every series it selects must exist: a panel
// or alert reading a metric nobody exports, or a label value nobody sets, fails here.
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { eventsV1 } from "@parley/contracts";
import {
  type PlatformUnderTest,
  eventually,
  openTestChannel,
  startPlatformUnderTest,
  testDatabaseUrl,
  watchExchange,
} from "@parley/test-support";
import { observabilityDir } from "../src/paths";
import { dashboardQueries } from "./support/dashboards";
import { type PrometheusServer, startPostgresExporter, startPrometheus } from "./support/prometheus";
import { type Selector, parsePromQL, substituteGrafanaVariables } from "./support/promql";
import { loadRules, ruleFiles } from "./support/rules";

/**
 * Selectors that legitimately match no series in this test, and why. Keep it short: an entry that
 * matches nothing any more fails the test too.
 */
const ALLOW_LIST: { metric: string | RegExp; matching?: RegExp; reason: string }[] = [
  {
    metric: "kube_pod_container_status_restarts_total",
    reason: "kube-state-metrics exists only in a cluster (kube-prometheus-stack runs it there)",
  },
  {
    metric: "parley_events_nacked_total",
    reason:
      "only a broker that refuses a publish, or a channel lost mid-publish, nacks; breaking the shared broker is for *.disruptive tests",
  },
  {
    metric: /^otelcol_/,
    reason:
      "no OpenTelemetry Collector runs here (it is not on the machine); collector.test.ts checks its configuration, and these are its documented self-metrics",
  },
  {
    metric: "pg_replication_lag_seconds",
    reason: "only a streaming replica reports a replication lag; this machine's PostgreSQL is a lone primary",
  },
  {
    metric: "grpc_server_handled_total",
    matching: /grpc_code=~"UNKNOWN\|DEADLINE_EXCEEDED/,
    reason:
      "gRPC server faults (INTERNAL, UNAVAILABLE, ...): healthy services answer none; the stopped notification process fails at its callers (client-side codes and the gateway's 5xx), which are checked",
  },
];

interface Expression {
  where: string;
  expr: string;
  /** A variable's `label_values(..., label)` label. */
  label?: string;
}

function everyExpression(): Expression[] {
  const rules = loadRules().map((r) => ({ where: `${r.file} ${r.record ?? r.alert}`, expr: r.expr }));
  const dashboardsDir = path.join(observabilityDir, "dashboards");
  const panels = readdirSync(dashboardsDir)
    .filter((f) => f.endsWith(".json"))
    .flatMap((f) => dashboardQueries(JSON.parse(readFileSync(path.join(dashboardsDir, f), "utf8"))))
    .map((q) => ({ ...q, expr: substituteGrafanaVariables(q.expr) }));
  return [...rules, ...panels];
}

const allowed = (selector: Selector) =>
  ALLOW_LIST.find(
    (a) =>
      (typeof a.metric === "string" ? a.metric === selector.metric : a.metric.test(selector.metric)) &&
      (a.matching?.test(selector.text) ?? true),
  );

/**
 * A target as the cluster's Prometheus sees it: the Prometheus Operator adds `namespace` and `pod`,
 * the environment's scrape relabelling `environment` (the dashboards' variables read them).
 */
const target = (address: string, pod: string) => ({
  targets: [address],
  labels: { namespace: "parley", environment: "ci", pod },
});

const json = { "content-type": "application/json" };

describe("every dashboard query and every rule, against the services' real metrics", () => {
  let platform: PlatformUnderTest;
  let prometheus: PrometheusServer;
  let exporter: { target: string; stop(): Promise<void> };
  let start: number;
  const stream = new AbortController();
  let broker: Awaited<ReturnType<typeof openTestChannel>> | undefined;
  const namespaceQueue = () => `${platform.namespace}.notification.events`;
  const waitForQuery = async (query: string, timeoutMs = 30_000) => {
    const found = await eventually(
      async () => (await prometheus.api<{ result: unknown[] }>("/api/v1/query", { query })).result.length > 0,
      timeoutMs,
      250,
    );
    if (!found) throw new Error(`Prometheus never answered ${query} with data`);
  };

  beforeAll(async () => {
    start = Date.now() / 1000;
    platform = await startPlatformUnderTest({ serviceEnv: { notification: { CONSUMER_MAX_ATTEMPTS: "2" } } });
    exporter = await startPostgresExporter(testDatabaseUrl);
    const admin = (name: "gateway" | "auth" | "messaging" | "notification") =>
      `127.0.0.1:${platform.processes.get(name)![0]!.adminPort}`;
    prometheus = await startPrometheus(
      [
        ...(["gateway", "auth", "messaging", "notification"] as const).map((name) => ({
          job_name: name,
          static_configs: [target(admin(name), `${name}-0`)],
        })),
        { job_name: "rabbitmq", static_configs: [target("127.0.0.1:15692", "rabbitmq-server-0")] },
        {
          // The same node's per-queue metrics; one job, as a ServiceMonitor's two endpoints would be.
          job_name: "rabbitmq-detailed",
          metrics_path: "/metrics/detailed",
          params: { family: ["queue_coarse_metrics", "queue_consumer_count"] },
          static_configs: [target("127.0.0.1:15692", "rabbitmq-server-0")],
          relabel_configs: [{ target_label: "job", replacement: "rabbitmq" }],
        },
        { job_name: "postgres-exporter", static_configs: [target(exporter.target, "postgres-exporter-0")] },
      ],
      ruleFiles(),
    );

    // Two users; Bob keeps his notification stream open, so messages are delivered live.
    const gateway = platform.gatewayUrl;
    const register = async (name: string) => {
      const response = await fetch(`${gateway}/v1/auth/register`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          username: `${name}${randomUUID().slice(0, 8)}`,
          password: "correct horse battery",
        }),
      });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { user: { id: string }; tokens: { accessToken: string } };
      return { id: body.user.id, token: body.tokens.accessToken };
    };
    const ada = await register("ada");
    const bob = await register("bob");
    const auth = (token: string) => ({ ...json, authorization: `Bearer ${token}` });
    const streamResponse = await fetch(`${gateway}/v1/notifications/stream`, {
      headers: { authorization: `Bearer ${bob.token}`, accept: "text/event-stream" },
      signal: stream.signal,
    });
    expect(streamResponse.status).toBe(200);
    void streamResponse.body!.pipeTo(new WritableStream()).catch(() => undefined);

    broker = await openTestChannel();
    const { channel } = broker;
    const sent = await watchExchange(channel, `${platform.namespace}.events`, ["message.sent"]);
    const direct = await fetch(`${gateway}/v1/conversations/direct`, {
      method: "POST",
      headers: auth(ada.token),
      body: JSON.stringify({ userId: bob.id }),
    });
    const conversation = ((await direct.json()) as { id: string }).id;
    const send = (body: string) =>
      fetch(`${gateway}/v1/conversations/${conversation}/messages`, {
        method: "POST",
        headers: { ...auth(ada.token), "idempotency-key": randomUUID() },
        body: JSON.stringify({ body }),
      });
    for (let i = 0; i < 5; i++) expect((await send(`hello ${i}`)).status).toBe(201);
    await fetch(`${gateway}/v1/conversations`, { headers: auth(bob.token) });
    await fetch(`${gateway}/v1/conversations/${randomUUID()}`, { headers: auth(bob.token) }); // 404
    await fetch(`${gateway}/v1/conversations/${conversation}/messages`, {
      method: "POST",
      headers: auth(ada.token),
      body: "{}",
    }); // 400

    // Failures on the broker side: a delivered event again (a duplicate), a payload nobody can read
    // (dead-lettered at once) and a readable event whose handling fails (retried, then dead-lettered).
    const [original] = await sent.waitFor(1);
    const events = `${platform.namespace}.events`;
    channel.publish(events, "message.sent", original!.content, original!.properties);
    channel.publish(events, "message.sent", Buffer.from("not a protobuf message"), { headers: {} });
    const failing = eventsV1.MessageSent.encode(
      eventsV1.MessageSent.fromPartial({
        messageId: randomUUID(),
        conversationId: conversation,
        senderId: ada.id,
        recipientIds: ["not-a-user-id"],
        preview: "fails in the consumer's transaction",
      }),
    ).finish();
    channel.publish(events, "message.sent", Buffer.from(failing), {
      headers: {
        "event-id": randomUUID(),
        "event-type": "message.sent",
        "occurred-at": new Date().toISOString(),
      },
    });
    await waitForQuery('parley_events_dead_lettered_total{event_type="unreadable"}');
    await waitForQuery('parley_events_dead_lettered_total{event_type="message.sent"}');
    await waitForQuery("parley_events_duplicates_total");
    await waitForQuery("parley_notification_delivery_seconds_count");
    await waitForQuery('slo:sli_error:ratio_rate5m{sloth_id="message-delivery-live-delivery-latency"}');
    for (const type of ["unreadable", "message.sent"])
      await waitForQuery(
        `ALERTS{alertname="ParleyEventsDeadLettered", alertstate="firing", event_type="${type}"}`,
      );
    // Bob reads his notifications: the notification service serves a unary call.
    expect((await fetch(`${gateway}/v1/notifications`, { headers: auth(bob.token) })).status).toBe(200);
    await waitForQuery('grpc_server_handled_total{service="notification", grpc_code="OK"}');

    // A stopped consumer: its queue loses its consumer and grows, and the gateway's calls to it fail.
    stream.abort();
    await platform.processes.get("notification")![0]!.stop();
    await waitForQuery(`rabbitmq_detailed_queue_consumers{queue="${namespaceQueue()}"} == 0`);
    expect((await send("while notification is down")).status).toBe(201);
    // Enough healthy traffic for the burn-rate alerts' low-traffic guard (0.02 requests/s over the
    // short window): without it, the failures below would be too few to page, as designed.
    for (let i = 0; i < 30; i++) {
      await fetch(`${gateway}/v1/conversations`, { headers: auth(bob.token) });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Failing calls until a rate of them shows: a counter series starts at its first increment, so
    // one failure alone is a flat line to rate().
    const failing5xx = await eventually(
      async () => {
        const listed = await fetch(`${gateway}/v1/notifications`, { headers: auth(bob.token) });
        expect(listed.status).toBeGreaterThanOrEqual(500);
        const { result } = await prometheus.api<{ result: unknown[] }>("/api/v1/query", {
          query: 'service:parley_request_error:ratio_rate5m{service="gateway"} > 0',
        });
        return result.length > 0;
      },
      30_000,
      500,
    );
    expect(failing5xx).toBe(true);
    await waitForQuery('grpc_client_handled_total{grpc_code="UNAVAILABLE"}');
    await waitForQuery(`ALERTS{alertname="ParleyQueueWithoutConsumer", queue="${namespaceQueue()}"}`);
    await platform.restart("notification");
    await waitForQuery('up{job="notification"} == 1');
  }, 120_000);

  afterAll(async () => {
    stream.abort();
    await broker?.connection.close();
    await prometheus?.stop();
    await exporter?.stop();
    await platform?.teardown();
  }, 60_000);

  const expressions = everyExpression();

  it("evaluates every expression without error", async () => {
    const errors: string[] = [];
    for (const { where, expr } of expressions) {
      await prometheus
        .api("/api/v1/query", { query: expr })
        .catch((e: Error) => errors.push(`${where}: ${e.message}`));
    }
    expect(errors).toEqual([]);
  });

  it("finds series for every selector, apart from the allow-list", async () => {
    const range = { start: String(start), end: String(Date.now() / 1000 + 1) };
    /** Each problem, with the rules and panels that have it. */
    const problems = new Map<string, string[]>();
    const report = (problem: string, where: string) =>
      problems.set(problem, [...(problems.get(problem) ?? []), where]);
    const checked = new Map<string, string | null>();
    for (const { where, expr, label } of expressions) {
      const { errors, selectors } = parsePromQL(expr);
      for (const error of errors) report(error, where);
      for (const selector of selectors) {
        if (allowed(selector)) continue;
        const key = `${selector.text}|${label ?? ""}`;
        if (!checked.has(key)) checked.set(key, await selectorProblem(selector, label, range));
        const problem = checked.get(key);
        if (problem) report(problem, where);
      }
    }
    const described = [...problems].map(([problem, wheres]) => {
      const unique = [...new Set(wheres)];
      const more = unique.length > 3 ? ` and ${unique.length - 3} more` : "";
      return `${problem} (read by ${unique.slice(0, 3).join("; ")}${more})`;
    });
    expect(described).toEqual([]);
  });

  async function selectorProblem(
    selector: Selector,
    label: string | undefined,
    range: Record<string, string>,
  ) {
    const series = await prometheus.api<Record<string, string>[]>("/api/v1/series", {
      "match[]": selector.text,
      ...range,
    });
    if (series.length === 0) {
      const ofMetric = await prometheus.api<unknown[]>("/api/v1/series", {
        "match[]": selector.metric,
        ...range,
      });
      return ofMetric.length === 0
        ? `no series of ${selector.metric} at all`
        : `no series of ${selector.metric} match ${selector.text}`;
    }
    if (label && !series.some((s) => s[label] !== undefined))
      return `no series of ${selector.text} has the label ${label}`;
    return null;
  }

  it("has an allow-list whose every entry is still needed", async () => {
    const range = { start: String(start), end: String(Date.now() / 1000 + 1) };
    const unused: string[] = [];
    for (const entry of ALLOW_LIST) {
      const selectors = expressions
        .flatMap((e) => parsePromQL(e.expr).selectors)
        .filter((s) => allowed(s) === entry);
      if (selectors.length === 0) unused.push(`${String(entry.metric)}: no expression selects it`);
      for (const selector of selectors) {
        const series = await prometheus.api<unknown[]>("/api/v1/series", {
          "match[]": selector.text,
          ...range,
        });
        if (series.length > 0) unused.push(`${selector.text} has series now: remove its allow-list entry`);
      }
    }
    expect(unused).toEqual([]);
  });

  it("raised the alerts the failures call for", async () => {
    const range = { start: String(start), end: String(Date.now() / 1000 + 1) };
    const raised = async (selector: string) =>
      (await prometheus.api<unknown[]>("/api/v1/series", { "match[]": `ALERTS{${selector}}`, ...range }))
        .length > 0;
    const expected = [
      'alertname="ParleyEventsDeadLettered", alertstate="firing", event_type="unreadable"',
      'alertname="ParleyEventsDeadLettered", alertstate="firing", event_type="message.sent"',
      `alertname="ParleyDeadLetterQueueNotEmpty", queue="${namespaceQueue()}.dlq"`,
      `alertname="ParleyQueueWithoutConsumer", queue="${namespaceQueue()}"`,
      'alertname="ParleyApiAvailabilityBudgetBurn", sloth_severity="page"',
    ];
    const missing: string[] = [];
    for (const selector of expected) if (!(await raised(selector))) missing.push(selector);
    expect(missing).toEqual([]);
  });
});
