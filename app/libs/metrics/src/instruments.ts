import { Counter, Gauge, Histogram } from "prom-client";
import { registry } from "./registry";

/**
 * The instruments of the metric catalogue (observability/metrics.md), each created on first use
 * so that a service exposes only the metrics it records.
 */

function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DELIVERY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
const registers = [registry];

export const httpServerMetrics = once(() => ({
  duration: new Histogram({
    name: "http_server_request_duration_seconds",
    help: "Duration of public HTTP requests.",
    labelNames: ["http_request_method", "http_route", "http_response_status_code"],
    buckets: LATENCY_BUCKETS,
    enableExemplars: true,
    registers,
  }),
}));

export const sseStreamsOpen = once(
  () =>
    new Gauge({
      name: "parley_sse_streams_open",
      help: "Server-Sent Event streams currently open.",
      registers,
    }),
);

const grpcLabels = ["grpc_service", "grpc_method", "grpc_code"];

export const grpcServerMetrics = once(() => ({
  handled: new Counter({
    name: "grpc_server_handled_total",
    help: "gRPC calls completed by the server.",
    labelNames: grpcLabels,
    registers,
  }),
  duration: new Histogram({
    name: "grpc_server_handling_seconds",
    help: "Server-side duration of gRPC calls.",
    labelNames: grpcLabels,
    buckets: LATENCY_BUCKETS,
    enableExemplars: true,
    registers,
  }),
}));

export const grpcClientMetrics = once(() => ({
  handled: new Counter({
    name: "grpc_client_handled_total",
    help: "gRPC calls made to other services.",
    labelNames: grpcLabels,
    registers,
  }),
  duration: new Histogram({
    name: "grpc_client_handling_seconds",
    help: "Client-side duration of unary gRPC calls.",
    labelNames: grpcLabels,
    buckets: LATENCY_BUCKETS,
    enableExemplars: true,
    registers,
  }),
}));

export const eventPublisherMetrics = once(() => ({
  published: new Counter({
    name: "parley_events_published_total",
    help: "Events the outbox relay handed to the broker.",
    labelNames: ["event_type"],
    registers,
  }),
  confirmed: new Counter({
    name: "parley_events_confirmed_total",
    help: "Published events the broker confirmed.",
    labelNames: ["event_type"],
    registers,
  }),
  nacked: new Counter({
    name: "parley_events_nacked_total",
    help: "Published events the broker did not confirm; they stay in the outbox.",
    labelNames: ["event_type"],
    registers,
  }),
}));

/** Gauges read from the outbox when scraped (the first relay of a process registers them). */
export function outboxGauges(backlog: () => Promise<{ pending: number; oldestAgeSeconds: number }>): void {
  if (registry.getSingleMetric("parley_outbox_pending")) return;
  let latest: Promise<{ pending: number; oldestAgeSeconds: number }> | undefined;
  // One query serves both gauges of a scrape.
  const read = () => (latest ??= backlog().finally(() => setImmediate(() => (latest = undefined))));
  new Gauge({
    name: "parley_outbox_pending",
    help: "Outbox rows not yet published.",
    registers,
    async collect() {
      this.set((await read()).pending);
    },
  });
  new Gauge({
    name: "parley_outbox_oldest_pending_age_seconds",
    help: "Age of the oldest unpublished outbox row.",
    registers,
    async collect() {
      this.set((await read()).oldestAgeSeconds);
    },
  });
}

const consumerLabels = ["consumer", "event_type"];

export const eventConsumerMetrics = once(() => {
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: consumerLabels, registers });
  return {
    consumed: counter("parley_events_consumed_total", "Deliveries taken from the consumer's queue."),
    acked: counter("parley_events_acked_total", "Deliveries acknowledged after their transaction committed."),
    duplicates: counter(
      "parley_events_duplicates_total",
      "Acknowledged deliveries of events processed before.",
    ),
    retried: counter("parley_events_retried_total", "Deliveries sent to the retry queue after a failure."),
    deadLettered: counter("parley_events_dead_lettered_total", "Deliveries sent to the dead-letter queue."),
  };
});

export const notificationMetrics = once(() => ({
  delivery: new Histogram({
    name: "parley_notification_delivery_seconds",
    help: "From an event's occurrence to the live push of its notification.",
    labelNames: ["kind"],
    buckets: DELIVERY_BUCKETS,
    enableExemplars: true,
    registers,
  }),
  streamsOpen: new Gauge({
    name: "parley_notification_streams_open",
    help: "Notification streams currently open.",
    registers,
  }),
}));

/** Gauges read from a connection pool when scraped (the first pool of a process registers them). */
export function connectionPoolGauges(pool: () => { total: number; idle: number; waiting: number }): void {
  if (registry.getSingleMetric("db_client_connection_count")) return;
  new Gauge({
    name: "db_client_connection_count",
    help: "Connections in the PostgreSQL pool.",
    labelNames: ["db_client_connection_state"],
    registers,
    collect() {
      const { total, idle } = pool();
      this.set({ db_client_connection_state: "used" }, total - idle);
      this.set({ db_client_connection_state: "idle" }, idle);
    },
  });
  new Gauge({
    name: "db_client_connection_pending_requests",
    help: "Requests waiting for a pool connection.",
    registers,
    collect() {
      this.set(pool().waiting);
    },
  });
}
