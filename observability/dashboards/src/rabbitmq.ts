// The broker, from its own Prometheus plugin: the aggregated endpoint for the node, the detailed
// one (queue_coarse_metrics, queue_consumer_count) for each queue.
import { dashboard, q, row, stat, timeseries } from "./grafana";

const RATE = "[$__rate_interval]";
const NODE = 'instance=~"$instance"';

export const rabbitmq = () =>
  dashboard({
    uid: "parley-rabbitmq",
    title: "Parley / RabbitMQ",
    description:
      "The RabbitMQ node (alarms, memory, disk, connections, message rates) and each queue (depth, consumers).",
    tags: ["rabbitmq"],
    scope: { podsOf: "rabbitmq_identity_info" },
    variables: [{ name: "instance", label: "Node", query: "label_values(rabbitmq_identity_info, instance)" }],
    items: [
      row("Node"),
      stat("Memory alarm", [q(`max(rabbitmq_alarms_memory_used_watermark{${NODE}})`)], {
        thresholds: [1, 1],
        description: "1: publishers are blocked.",
      }),
      stat("Disk alarm", [q(`max(rabbitmq_alarms_free_disk_space_watermark{${NODE}})`)], {
        thresholds: [1, 1],
        description: "1: publishers are blocked.",
      }),
      stat("Connections", [q(`sum(rabbitmq_connections{${NODE}})`)]),
      stat("Queues", [q(`sum(rabbitmq_queues{${NODE}})`)]),
      timeseries(
        "Memory used / high watermark",
        [
          q(
            `sum(rabbitmq_process_resident_memory_bytes{${NODE}}) / sum(rabbitmq_resident_memory_limit_bytes{${NODE}})`,
            "used",
          ),
        ],
        { unit: "percentunit", min: 0, max: 1, thresholds: [0.7, 0.9] },
      ),
      timeseries(
        "Free disk above its limit",
        [
          q(
            `sum(rabbitmq_disk_space_available_bytes{${NODE}}) - sum(rabbitmq_disk_space_available_limit_bytes{${NODE}})`,
            "headroom",
          ),
        ],
        { unit: "bytes" },
      ),
      row("Messages"),
      timeseries(
        "Message rates",
        [
          q(`sum(rate(rabbitmq_global_messages_received_total{${NODE}}${RATE}))`, "published"),
          q(`sum(rate(rabbitmq_global_messages_confirmed_total{${NODE}}${RATE}))`, "confirmed"),
          q(`sum(rate(rabbitmq_global_messages_routed_total{${NODE}}${RATE}))`, "routed"),
          q(`sum(rate(rabbitmq_global_messages_delivered_total{${NODE}}${RATE}))`, "delivered"),
          q(`sum(rate(rabbitmq_global_messages_acknowledged_total{${NODE}}${RATE}))`, "acknowledged"),
          q(`sum(rate(rabbitmq_global_messages_redelivered_total{${NODE}}${RATE}))`, "redelivered"),
        ],
        { unit: "ops", width: 24 },
      ),
      timeseries("Connections and channels", [
        q(`sum(rabbitmq_connections{${NODE}})`, "connections"),
        q(`sum(rabbitmq_channels{${NODE}})`, "channels"),
      ]),
      timeseries(
        "Unroutable messages",
        [
          q(`sum(rate(rabbitmq_global_messages_unroutable_dropped_total{${NODE}}${RATE}))`, "dropped"),
          q(`sum(rate(rabbitmq_global_messages_unroutable_returned_total{${NODE}}${RATE}))`, "returned"),
        ],
        { unit: "ops" },
      ),
      row("Queues"),
      timeseries("Ready by queue", [
        q(`sum by (queue) (rabbitmq_detailed_queue_messages_ready{${NODE}})`, "{{queue}}"),
      ]),
      timeseries("Unacknowledged by queue", [
        q(`sum by (queue) (rabbitmq_detailed_queue_messages_unacked{${NODE}})`, "{{queue}}"),
      ]),
      timeseries("Consumers by queue", [
        q(`sum by (queue) (rabbitmq_detailed_queue_consumers{${NODE}})`, "{{queue}}"),
      ]),
      timeseries(
        "Dead-letter queues",
        [q(`sum by (queue) (rabbitmq_detailed_queue_messages{${NODE},queue=~".+[.]dlq"})`, "{{queue}}")],
        { thresholds: [1, 10] },
      ),
    ],
  });
