// The OpenTelemetry Collector's own health, from its self-metrics (otelcol_*, port 8888): what each
// receiver accepts or refuses, what each exporter sends or fails to send, and its sending queues.
import { dashboard, q, row, stat, timeseries } from "./grafana";

const RATE = "[$__rate_interval]";
const SIGNALS = [
  { title: "Spans", suffix: "spans" },
  { title: "Metric points", suffix: "metric_points" },
  { title: "Log records", suffix: "log_records" },
] as const;

export const collector = () =>
  dashboard({
    uid: "parley-collector",
    title: "Parley / OpenTelemetry Collector",
    description:
      "The collectors' own metrics: spans, metric points and log records accepted and refused by each receiver, sent and failed by each exporter, and the exporters' sending queues.",
    tags: ["collector"],
    scope: { podsOf: "otelcol_process_uptime_seconds_total" },
    items: [
      row("Now"),
      stat("Spans refused /s", [q(`sum(rate(otelcol_receiver_refused_spans_total${RATE}))`)], {
        unit: "ops",
        thresholds: [0.001, 1],
        description: "Refused by a receiver: usually the memory limiter pushing back.",
      }),
      stat(
        "Export failures /s",
        [
          q(
            `sum(rate(otelcol_exporter_send_failed_spans_total${RATE})) + sum(rate(otelcol_exporter_send_failed_metric_points_total${RATE})) + sum(rate(otelcol_exporter_send_failed_log_records_total${RATE}))`,
          ),
        ],
        {
          unit: "ops",
          thresholds: [0.001, 1],
          description: "Spans, metric points and log records an exporter gave up on.",
        },
      ),
      stat(
        "Fullest sending queue",
        [q("max(otelcol_exporter_queue_size / otelcol_exporter_queue_capacity)")],
        { unit: "percentunit", thresholds: [0.5, 0.8], description: "A full queue drops new data." },
      ),
      stat("Collector memory (RSS)", [q("sum(otelcol_process_memory_rss_bytes)")], { unit: "bytes" }),
      ...SIGNALS.flatMap(({ title, suffix }) => [
        row(title),
        timeseries(
          `${title} accepted and refused by receiver`,
          [
            q(
              `sum by (receiver) (rate(otelcol_receiver_accepted_${suffix}_total${RATE}))`,
              "accepted {{receiver}}",
            ),
            q(
              `sum by (receiver) (rate(otelcol_receiver_refused_${suffix}_total${RATE}))`,
              "refused {{receiver}}",
            ),
          ],
          { unit: "ops" },
        ),
        timeseries(
          `${title} sent and failed by exporter`,
          [
            q(`sum by (exporter) (rate(otelcol_exporter_sent_${suffix}_total${RATE}))`, "sent {{exporter}}"),
            q(
              `sum by (exporter) (rate(otelcol_exporter_send_failed_${suffix}_total${RATE}))`,
              "failed {{exporter}}",
            ),
          ],
          { unit: "ops" },
        ),
      ]),
      row("Sending queues and process"),
      timeseries(
        "Sending queue size",
        [
          q("sum by (exporter) (otelcol_exporter_queue_size)", "{{exporter}}"),
          q("max by (exporter) (otelcol_exporter_queue_capacity)", "capacity {{exporter}}"),
        ],
        { description: "Batches waiting to be exported; at capacity, new data is dropped." },
      ),
      timeseries(
        "Enqueue failures",
        [
          q(
            `sum by (exporter) (rate(otelcol_exporter_enqueue_failed_spans_total${RATE}))`,
            "spans {{exporter}}",
          ),
          q(
            `sum by (exporter) (rate(otelcol_exporter_enqueue_failed_metric_points_total${RATE}))`,
            "metric points {{exporter}}",
          ),
          q(
            `sum by (exporter) (rate(otelcol_exporter_enqueue_failed_log_records_total${RATE}))`,
            "log records {{exporter}}",
          ),
        ],
        { unit: "ops", description: "Data dropped because the sending queue was full." },
      ),
      timeseries("Memory (RSS)", [q("sum by (pod) (otelcol_process_memory_rss_bytes)", "{{pod}}")], {
        unit: "bytes",
      }),
      timeseries("CPU", [q(`sum by (pod) (rate(otelcol_process_cpu_seconds_total${RATE}))`, "{{pod}}")], {
        unit: "percentunit",
        description: "CPU seconds per second.",
      }),
    ],
  });
