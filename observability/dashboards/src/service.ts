// One dashboard per service: its requests by method (rate, server errors, latency with exemplars),
// what it calls, what it owns in the event pipeline, and its runtime.
import { type Panel, type Row, dashboard, q, row, timeseries } from "./grafana";

export const SERVICES = ["gateway", "auth", "messaging", "notification"] as const;
type Service = (typeof SERVICES)[number];

const RATE = "[$__rate_interval]";
const GRPC_ERRORS = 'grpc_code=~"UNKNOWN|DEADLINE_EXCEEDED|UNIMPLEMENTED|INTERNAL|UNAVAILABLE|DATA_LOSS"';

function httpRequests(): (Panel | Row)[] {
  const sel = 'service="gateway",instance=~"$instance",http_route!="/v1/notifications/stream"';
  return [
    row("Public HTTP requests"),
    timeseries(
      "Requests by route",
      [
        q(
          `sum by (http_request_method, http_route) (rate(http_server_request_duration_seconds_count{${sel}}${RATE}))`,
          "{{http_request_method}} {{http_route}}",
        ),
      ],
      { unit: "reqps" },
    ),
    timeseries(
      "Responses by status",
      [
        q(
          `sum by (http_response_status_code) (rate(http_server_request_duration_seconds_count{${sel}}${RATE}))`,
          "{{http_response_status_code}}",
        ),
      ],
      { unit: "reqps", stacked: true },
    ),
    timeseries(
      "Latency p99 by route",
      [
        q(
          `histogram_quantile(0.99, sum by (le, http_request_method, http_route) (rate(http_server_request_duration_seconds_bucket{${sel}}${RATE})))`,
          "{{http_request_method}} {{http_route}}",
          true,
        ),
      ],
      { unit: "s", description: "Exemplars link to traces in Tempo." },
    ),
    timeseries(
      "Server error ratio by route",
      [
        q(
          `sum by (http_request_method, http_route) (rate(http_server_request_duration_seconds_count{${sel},http_response_status_code=~"5.."}${RATE}))\n/\nsum by (http_request_method, http_route) (rate(http_server_request_duration_seconds_count{${sel}}${RATE}))`,
          "{{http_request_method}} {{http_route}}",
        ),
      ],
      { unit: "percentunit", thresholds: [0.01, 0.05] },
    ),
    timeseries("Server-Sent Event streams open", [
      q('sum(parley_sse_streams_open{service="gateway",instance=~"$instance"})', "streams"),
    ]),
  ];
}

function grpcServer(service: Service): (Panel | Row)[] {
  const sel = `service="${service}",instance=~"$instance"`;
  return [
    row("gRPC calls served"),
    timeseries(
      "Calls by method",
      [q(`sum by (grpc_method) (rate(grpc_server_handled_total{${sel}}${RATE}))`, "{{grpc_method}}")],
      { unit: "reqps" },
    ),
    timeseries(
      "Calls by status code",
      [q(`sum by (grpc_code) (rate(grpc_server_handled_total{${sel}}${RATE}))`, "{{grpc_code}}")],
      { unit: "reqps", stacked: true },
    ),
    timeseries(
      "Latency p99 by method",
      [
        q(
          `histogram_quantile(0.99, sum by (le, grpc_method) (rate(grpc_server_handling_seconds_bucket{${sel},grpc_method!="Subscribe"}${RATE})))`,
          "{{grpc_method}}",
          true,
        ),
      ],
      {
        unit: "s",
        description:
          "Exemplars link to traces in Tempo. The Subscribe stream is left out: it lasts as long as the client stays.",
      },
    ),
    timeseries(
      "Server error ratio by method",
      [
        q(
          `sum by (grpc_method) (rate(grpc_server_handled_total{${sel},${GRPC_ERRORS}}${RATE}))\n/\nsum by (grpc_method) (rate(grpc_server_handled_total{${sel}}${RATE}))`,
          "{{grpc_method}}",
        ),
      ],
      {
        unit: "percentunit",
        thresholds: [0.01, 0.05],
        description:
          "Codes that mean the server failed: UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS.",
      },
    ),
  ];
}

function grpcClient(service: Service): (Panel | Row)[] {
  const sel = `service="${service}",instance=~"$instance"`;
  return [
    row("gRPC calls to other services"),
    timeseries(
      "Calls by target and code",
      [
        q(
          `sum by (grpc_service, grpc_code) (rate(grpc_client_handled_total{${sel}}${RATE}))`,
          "{{grpc_service}} {{grpc_code}}",
        ),
      ],
      { unit: "reqps" },
    ),
    timeseries(
      "Client latency p99 by method",
      [
        q(
          `histogram_quantile(0.99, sum by (le, grpc_service, grpc_method) (rate(grpc_client_handling_seconds_bucket{${sel}}${RATE})))`,
          "{{grpc_service}}/{{grpc_method}}",
          true,
        ),
      ],
      { unit: "s" },
    ),
  ];
}

function outbox(service: Service): (Panel | Row)[] {
  const sel = `service="${service}",instance=~"$instance"`;
  return [
    row("Outbox and publishing"),
    timeseries("Outbox rows not yet published", [q(`max(parley_outbox_pending{${sel}})`, "rows")], {
      unit: "short",
      width: 6,
    }),
    timeseries(
      "Oldest unpublished outbox row",
      [q(`max(parley_outbox_oldest_pending_age_seconds{${sel}})`, "age")],
      { unit: "s", width: 6, thresholds: [30, 60] },
    ),
    timeseries(
      "Events published and confirmed",
      [
        q(
          `sum by (event_type) (rate(parley_events_published_total{${sel}}${RATE}))`,
          "published {{event_type}}",
        ),
        q(
          `sum by (event_type) (rate(parley_events_confirmed_total{${sel}}${RATE}))`,
          "confirmed {{event_type}}",
        ),
      ],
      { unit: "ops" },
    ),
  ];
}

function consumer(service: Service): (Panel | Row)[] {
  const sel = `service="${service}",instance=~"$instance"`;
  return [
    row("Event consumer"),
    timeseries(
      "Deliveries by outcome",
      [
        q(`sum by (event_type) (rate(parley_events_acked_total{${sel}}${RATE}))`, "acked {{event_type}}"),
        q(`sum by (event_type) (rate(parley_events_retried_total{${sel}}${RATE}))`, "retried {{event_type}}"),
        q(
          `sum by (event_type) (rate(parley_events_dead_lettered_total{${sel}}${RATE}))`,
          "dead-lettered {{event_type}}",
        ),
      ],
      { unit: "ops" },
    ),
    timeseries(
      "Live delivery latency",
      [
        q(
          `histogram_quantile(0.99, sum by (le, kind) (rate(parley_notification_delivery_seconds_bucket{${sel}}${RATE})))`,
          "p99 {{kind}}",
          true,
        ),
        q(
          `histogram_quantile(0.5, sum by (le, kind) (rate(parley_notification_delivery_seconds_bucket{${sel}}${RATE})))`,
          "p50 {{kind}}",
        ),
      ],
      { unit: "s", thresholds: [1, 2] },
    ),
    timeseries("Notification streams open", [q(`sum(parley_notification_streams_open{${sel}})`, "streams")]),
  ];
}

function database(service: Service): (Panel | Row)[] {
  const sel = `service="${service}",instance=~"$instance"`;
  return [
    row("Database pool"),
    timeseries(
      "Connections",
      [
        q(
          `sum by (db_client_connection_state) (db_client_connection_count{${sel}})`,
          "{{db_client_connection_state}}",
        ),
        q(`sum(db_client_connection_pending_requests{${sel}})`, "waiting requests"),
      ],
      { stacked: false },
    ),
  ];
}

function runtime(service: Service): (Panel | Row)[] {
  const sel = `job="${service}",instance=~"$instance"`;
  return [
    row("Node.js runtime"),
    timeseries("CPU", [q(`rate(process_cpu_seconds_total{${sel}}${RATE})`, "{{instance}}")], {
      unit: "percentunit",
    }),
    timeseries(
      "Memory",
      [
        q(`process_resident_memory_bytes{${sel}}`, "resident {{instance}}"),
        q(`sum by (instance) (nodejs_heap_space_size_used_bytes{${sel}})`, "heap used {{instance}}"),
      ],
      { unit: "bytes" },
    ),
    timeseries("Event loop lag p99", [q(`nodejs_eventloop_lag_p99_seconds{${sel}}`, "{{instance}}")], {
      unit: "s",
      thresholds: [0.1, 0.5],
    }),
    timeseries(
      "Garbage collection time",
      [q(`sum by (instance) (rate(nodejs_gc_duration_seconds_sum{${sel}}${RATE}))`, "{{instance}}")],
      { unit: "percentunit" },
    ),
  ];
}

export function service(name: Service) {
  const owns = name !== "gateway";
  const items: (Panel | Row)[] = [
    ...(name === "gateway" ? httpRequests() : grpcServer(name)),
    ...(name !== "auth" ? grpcClient(name) : []),
    ...(name === "auth" || name === "messaging" ? outbox(name) : []),
    ...(name === "notification" ? consumer(name) : []),
    ...(owns ? database(name) : []),
    ...runtime(name),
  ];
  return dashboard({
    uid: `parley-service-${name}`,
    title: `Parley / Service / ${name}`,
    description: `The ${name} service: what it serves, what it calls${owns ? ", its database pool" : ""} and its runtime, by instance.`,
    tags: ["service"],
    scope: { podsOf: `up{job="${name}"}` },
    variables: [{ name: "instance", label: "Instance", query: `label_values(up{job="${name}"}, instance)` }],
    items,
  });
}
