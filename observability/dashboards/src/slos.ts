// The SLOs of slos/*.yaml, from the rules generated for them: objective, current burn, and the error
// budget left over the 30-day period.
import { dashboard, q, row, stat, timeseries } from "./grafana";

const SLO = 'sloth_id=~"$slo"';

export const slos = () =>
  dashboard({
    uid: "parley-slos",
    title: "Parley / SLOs",
    description:
      "Availability and latency objectives of the public API and of message delivery: error budget left, burn rates and SLI error ratios (rules generated from observability/slos/).",
    tags: ["slo"],
    // Recorded series only, aggregated over namespaces and pods.
    scope: false,
    variables: [{ name: "slo", label: "SLO", query: "label_values(sloth_slo_info, sloth_id)" }],
    items: [
      row("Budget"),
      stat("Objective", [q(`slo:objective:ratio{${SLO}}`, "{{sloth_id}}")], {
        unit: "percentunit",
        width: 8,
      }),
      stat(
        "Error budget left (30d)",
        [q(`slo:period_error_budget_remaining:ratio{${SLO}}`, "{{sloth_id}}")],
        {
          unit: "percentunit",
          width: 8,
          thresholds: [0.25, 0.5],
          description: "1 = untouched, 0 = spent, below 0 = overspent.",
        },
      ),
      stat("Burn rate now (5m)", [q(`slo:current_burn_rate:ratio{${SLO}}`, "{{sloth_id}}")], {
        width: 8,
        thresholds: [1, 6],
        description: "1 spends exactly the budget over 30 days; 14.4 over an hour pages.",
      }),
      row("Over time"),
      timeseries(
        "Error budget left",
        [q(`slo:period_error_budget_remaining:ratio{${SLO}}`, "{{sloth_id}}")],
        { unit: "percentunit" },
      ),
      timeseries("Burn rate", [q(`slo:current_burn_rate:ratio{${SLO}}`, "{{sloth_id}}")], {
        thresholds: [1, 6],
      }),
      timeseries(
        "SLI error ratio by window",
        [
          q(`slo:sli_error:ratio_rate5m{${SLO}}`, "{{sloth_id}} 5m"),
          q(`slo:sli_error:ratio_rate1h{${SLO}}`, "{{sloth_id}} 1h"),
          q(`slo:sli_error:ratio_rate6h{${SLO}}`, "{{sloth_id}} 6h"),
          q(`slo:sli_error:ratio_rate3d{${SLO}}`, "{{sloth_id}} 3d"),
        ],
        { unit: "percentunit", width: 24 },
      ),
    ],
  });
