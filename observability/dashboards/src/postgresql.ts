// PostgreSQL from postgres_exporter: connections against the limit, transactions, cache, locks, size.
import { dashboard, q, row, stat, timeseries } from "./grafana";

const RATE = "[$__rate_interval]";
const SERVER = 'instance=~"$instance"';

export const postgresql = () =>
  dashboard({
    uid: "parley-postgresql",
    title: "Parley / PostgreSQL",
    description: "The PostgreSQL server the services share, from postgres_exporter.",
    tags: ["postgresql"],
    scope: { podsOf: "pg_up" },
    variables: [{ name: "instance", label: "Exporter", query: "label_values(pg_up, instance)" }],
    items: [
      row("Server"),
      stat("Up", [q(`min(pg_up{${SERVER}})`)], { description: "0: the exporter cannot reach the server." }),
      stat(
        "Connections used",
        [q(`sum(pg_stat_activity_count{${SERVER}}) / max(pg_settings_max_connections{${SERVER}})`)],
        { unit: "percentunit", thresholds: [0.7, 0.8] },
      ),
      stat("Deadlocks (1h)", [q(`sum(increase(pg_stat_database_deadlocks{${SERVER}}[1h]))`)], {
        thresholds: [1, 5],
      }),
      stat(
        "Cache hit ratio",
        [
          q(
            `sum(rate(pg_stat_database_blks_hit{${SERVER}}${RATE})) / (sum(rate(pg_stat_database_blks_hit{${SERVER}}${RATE})) + sum(rate(pg_stat_database_blks_read{${SERVER}}${RATE})))`,
          ),
        ],
        { unit: "percentunit" },
      ),
      row("Connections"),
      timeseries("Connections by state", [
        q(`sum by (state) (pg_stat_activity_count{${SERVER}})`, "{{state}}"),
        q(`max(pg_settings_max_connections{${SERVER}})`, "max_connections"),
      ]),
      timeseries("Connections by database", [
        q(`sum by (datname) (pg_stat_activity_count{${SERVER}})`, "{{datname}}"),
      ]),
      row("Work"),
      timeseries(
        "Transactions",
        [
          q(`sum by (datname) (rate(pg_stat_database_xact_commit{${SERVER}}${RATE}))`, "commit {{datname}}"),
          q(
            `sum by (datname) (rate(pg_stat_database_xact_rollback{${SERVER}}${RATE}))`,
            "rollback {{datname}}",
          ),
        ],
        { unit: "ops" },
      ),
      timeseries(
        "Rows",
        [
          q(`sum(rate(pg_stat_database_tup_inserted{${SERVER}}${RATE}))`, "inserted"),
          q(`sum(rate(pg_stat_database_tup_updated{${SERVER}}${RATE}))`, "updated"),
          q(`sum(rate(pg_stat_database_tup_deleted{${SERVER}}${RATE}))`, "deleted"),
          q(`sum(rate(pg_stat_database_tup_fetched{${SERVER}}${RATE}))`, "fetched"),
        ],
        { unit: "ops" },
      ),
      timeseries("Locks by mode", [q(`sum by (mode) (pg_locks_count{${SERVER}})`, "{{mode}}")]),
      timeseries(
        "Database size",
        [q(`sum by (datname) (pg_database_size_bytes{${SERVER}})`, "{{datname}}")],
        { unit: "bytes" },
      ),
    ],
  });
