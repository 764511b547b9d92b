// The golden signals of every service side by side: traffic, errors, latency, saturation.
import { dashboard, q, row, stat, timeseries } from "./grafana";

const JOBS = 'job=~"gateway|auth|messaging|notification"';

export const overview = () =>
  dashboard({
    uid: "parley-overview",
    title: "Parley / Platform overview",
    description:
      "Golden signals of the four services: requests, server errors, latency (the gateway's public HTTP requests, the gRPC calls the others serve), instances and resources.",
    tags: ["overview"],
    scope: { podsOf: `up{${JOBS}}` },
    items: [
      row("Health"),
      stat("Instances up", [q(`sum by (job) (up{${JOBS}})`, "{{job}}")], {
        description: "Instances Prometheus scrapes successfully, by service.",
        width: 8,
      }),
      stat("Server error ratio (5m)", [q("service:parley_request_error:ratio_rate5m", "{{service}}")], {
        unit: "percentunit",
        thresholds: [0.01, 0.05],
        width: 8,
      }),
      stat(
        "API error budget left (30d)",
        [q('slo:period_error_budget_remaining:ratio{sloth_service="parley-api"}', "{{sloth_slo}}")],
        { unit: "percentunit", width: 8, description: "Details on the SLO dashboard." },
      ),
      row("Traffic, errors, latency"),
      timeseries("Requests per second", [q("service:parley_requests:rate5m", "{{service}}")], {
        unit: "reqps",
      }),
      timeseries("Server error ratio", [q("service:parley_request_error:ratio_rate5m", "{{service}}")], {
        unit: "percentunit",
        thresholds: [0.01, 0.05],
      }),
      timeseries(
        "Latency p99",
        [q('service:parley_request_duration_seconds:histogram_quantile{quantile="0.99"}', "{{service}}")],
        { unit: "s" },
      ),
      timeseries(
        "Latency p50",
        [q('service:parley_request_duration_seconds:histogram_quantile{quantile="0.5"}', "{{service}}")],
        { unit: "s" },
      ),
      row("Saturation"),
      timeseries(
        "CPU",
        [q(`sum by (job) (rate(process_cpu_seconds_total{${JOBS}}[$__rate_interval]))`, "{{job}}")],
        { unit: "percentunit", description: "CPU seconds per second, summed over a service's instances." },
      ),
      timeseries("Resident memory", [q(`sum by (job) (process_resident_memory_bytes{${JOBS}})`, "{{job}}")], {
        unit: "bytes",
      }),
      timeseries(
        "Event loop lag p99",
        [q(`max by (job) (nodejs_eventloop_lag_p99_seconds{${JOBS}})`, "{{job}}")],
        { unit: "s", thresholds: [0.1, 0.5] },
      ),
      timeseries(
        "Database pool in use",
        [
          q(
            'sum by (service) (db_client_connection_count{db_client_connection_state="used"})',
            "{{service}} used",
          ),
          q("sum by (service) (db_client_connection_pending_requests)", "{{service}} waiting"),
        ],
        { description: "Connections in use and requests waiting for one, per service." },
      ),
      row("Event pipeline"),
      timeseries("Outbox backlog", [q("service:parley_outbox_pending:max", "{{service}}")], {
        description: "Unpublished outbox rows. Details on the message pipeline dashboard.",
      }),
      timeseries(
        "Live delivery latency p99",
        [q('kind:parley_notification_delivery_seconds:histogram_quantile{quantile="0.99"}', "{{kind}}")],
        { unit: "s", thresholds: [1, 2] },
      ),
    ],
  });
