// One message's path: send → outbox → publish → broker → consume → delivered, with the places it
// can stall (outbox backlog, queue depth, retries, the dead-letter queue).
import { dashboard, q, row, stat, timeseries } from "./grafana";

const RATE = "[$__rate_interval]";

export const pipeline = () =>
  dashboard({
    uid: "parley-pipeline",
    title: "Parley / Message pipeline",
    description:
      "Sends, the outbox, publishing with confirms, the broker's queues, consumption and live delivery, in the order a message goes through them.",
    tags: ["pipeline"],
    scope: { podsOf: 'up{job=~"gateway|auth|messaging|notification"}' },
    items: [
      row("Now"),
      stat(
        "Messages sent /s",
        [q(`sum(rate(grpc_server_handled_total{grpc_method="SendMessage",grpc_code="OK"}${RATE}))`)],
        { unit: "reqps" },
      ),
      stat("Outbox backlog", [q("sum(service:parley_outbox_pending:max)")], { thresholds: [100, 1000] }),
      stat("Dead-letter queues", [q('sum(rabbitmq_detailed_queue_messages{queue=~".+[.]dlq"})')], {
        thresholds: [1, 10],
        description: "Messages waiting in dead-letter queues.",
      }),
      stat(
        "Live delivery p99",
        [q('max(kind:parley_notification_delivery_seconds:histogram_quantile{quantile="0.99"})')],
        { unit: "s", thresholds: [1, 2] },
      ),
      row("1. Send and outbox"),
      timeseries(
        "SendMessage calls by code",
        [
          q(
            `sum by (grpc_code) (rate(grpc_server_handled_total{grpc_method="SendMessage"}${RATE}))`,
            "{{grpc_code}}",
          ),
        ],
        { unit: "reqps" },
      ),
      timeseries("Outbox rows not yet published", [q("service:parley_outbox_pending:max", "{{service}}")]),
      timeseries(
        "Oldest unpublished outbox row",
        [q("service:parley_outbox_oldest_pending_age_seconds:max", "{{service}}")],
        { unit: "s", thresholds: [30, 60] },
      ),
      row("2. Publish (relay → broker)"),
      timeseries(
        "Published, confirmed, nacked",
        [
          q(`sum by (event_type) (rate(parley_events_published_total${RATE}))`, "published {{event_type}}"),
          q(`sum by (event_type) (rate(parley_events_confirmed_total${RATE}))`, "confirmed {{event_type}}"),
          q(`sum by (event_type) (rate(parley_events_nacked_total${RATE}))`, "nacked {{event_type}}"),
        ],
        { unit: "ops", description: "Nacked events stay in the outbox and are published again.", width: 24 },
      ),
      row("3. Broker queues"),
      timeseries(
        "Ready messages by queue",
        [q("sum by (queue) (rabbitmq_detailed_queue_messages_ready)", "{{queue}}")],
        { description: "From RabbitMQ's Prometheus plugin (detailed endpoint)." },
      ),
      timeseries("Unacknowledged messages by queue", [
        q("sum by (queue) (rabbitmq_detailed_queue_messages_unacked)", "{{queue}}"),
      ]),
      timeseries(
        "Consumers on event queues",
        [q('sum by (queue) (rabbitmq_detailed_queue_consumers{queue=~".+[.]events"})', "{{queue}}")],
        { description: "Zero means nobody processes that queue's events." },
      ),
      timeseries(
        "Dead-letter queue depth",
        [q('sum by (queue) (rabbitmq_detailed_queue_messages{queue=~".+[.]dlq"})', "{{queue}}")],
        { thresholds: [1, 10] },
      ),
      row("4. Consume"),
      timeseries(
        "Consumed, acknowledged, duplicates",
        [
          q(`sum by (event_type) (rate(parley_events_consumed_total${RATE}))`, "consumed {{event_type}}"),
          q(`sum by (event_type) (rate(parley_events_acked_total${RATE}))`, "acked {{event_type}}"),
          q(`sum by (event_type) (rate(parley_events_duplicates_total${RATE}))`, "duplicate {{event_type}}"),
        ],
        { unit: "ops" },
      ),
      timeseries(
        "Retried and dead-lettered",
        [
          q(`sum by (event_type) (rate(parley_events_retried_total${RATE}))`, "retried {{event_type}}"),
          q(
            `sum by (event_type) (rate(parley_events_dead_lettered_total${RATE}))`,
            "dead-lettered {{event_type}}",
          ),
        ],
        {
          unit: "ops",
          description: "`unreadable` is an event that could not be decoded (dead-lettered at once).",
        },
      ),
      row("5. Delivered live"),
      timeseries(
        "Live deliveries /s",
        [q(`sum by (kind) (rate(parley_notification_delivery_seconds_count${RATE}))`, "{{kind}}")],
        { unit: "ops" },
      ),
      timeseries(
        "Send → live push latency",
        [
          q(
            `histogram_quantile(0.99, sum by (le) (rate(parley_notification_delivery_seconds_bucket${RATE})))`,
            "p99",
            true,
          ),
          q(
            `histogram_quantile(0.5, sum by (le) (rate(parley_notification_delivery_seconds_bucket${RATE})))`,
            "p50",
          ),
        ],
        { unit: "s", thresholds: [1, 2], description: "Exemplars link to the trace of a delivery." },
      ),
      timeseries("Streams open", [
        q("sum(parley_sse_streams_open)", "gateway SSE streams"),
        q("sum(parley_notification_streams_open)", "notification streams"),
      ]),
    ],
  });
