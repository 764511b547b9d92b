// Turns SLO specs (Sloth's prometheus/v1 format, slos/*.yaml) into Prometheus rules the way Sloth
// does: SLI error ratios over the windows the alerts need, metadata rules for the SLO dashboard, and
// the multi-window multi-burn-rate alerts of the Google SRE workbook (a page for a fast burn, a
// ticket for a slow one). Sloth is a Go binary that is not on our machines; this keeps its output's
// names and labels, so Sloth's dashboards and habits carry over. One deliberate difference: every
// alert has an explicit `for` (our alert convention), 2m for pages and 15m for tickets.
import { parse } from "yaml";

export interface SloSpec {
  version: "prometheus/v1";
  service: string;
  labels?: Record<string, string>;
  slos: {
    name: string;
    objective: number;
    description: string;
    sli: { events: { error_query: string; total_query: string } };
    alerting: {
      name: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      page_alert?: { labels?: Record<string, string> };
      ticket_alert?: { labels?: Record<string, string> };
      /**
       * Our extension to Sloth's format: the low-traffic guard. A burn-rate alert needs at least
       * this many events per second (the SLI's total_query) over its short window, so that one
       * failed request at night is no page. DEFAULT_MIN_EVENT_RATE when left out.
       */
      min_event_rate?: number;
    };
  }[];
}

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** The SLO period: budgets and remaining budget are over 30 days. */
const PERIOD = "30d";
const PERIOD_DAYS = 30;
/** Windows the burn-rate alerts read, shortest first. */
const WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

/** Burn rates of the workbook's alerts for a 30-day period: 2% of the budget in 1h, 5% in 6h, 10% in 3d. */
const PAGE = [
  { long: "1h", short: "5m", factor: 14.4 },
  { long: "6h", short: "30m", factor: 6 },
];
const TICKET = [
  { long: "1d", short: "2h", factor: 3 },
  { long: "3d", short: "6h", factor: 1 },
];

/** The low-traffic guard's default floor: 0.02 events/s, about one a minute. */
export const DEFAULT_MIN_EVENT_RATE = 0.02;

const oneLine = (query: string) => query.trim().replace(/\s*\n\s*/g, " ");
const selector = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ")}}`;

export function parseSloSpec(text: string): SloSpec {
  const spec = parse(text) as SloSpec;
  if (spec.version !== "prometheus/v1") throw new Error(`unsupported SLO spec version ${spec.version}`);
  for (const slo of spec.slos) {
    if (!(slo.objective > 0 && slo.objective < 100))
      throw new Error(`${spec.service}/${slo.name}: objective ${slo.objective} is not a percentage`);
    for (const query of [slo.sli.events.error_query, slo.sli.events.total_query])
      if (!query.includes("{{.window}}"))
        throw new Error(`${spec.service}/${slo.name}: a query has no {{.window}}`);
  }
  return spec;
}

export function sloRuleGroups(spec: SloSpec): RuleGroup[] {
  return spec.slos.flatMap((slo) => {
    const id = `${spec.service}-${slo.name}`;
    const ids = { sloth_id: id, sloth_service: spec.service, sloth_slo: slo.name };
    const labels = { ...spec.labels, ...ids };
    const errorBudget = Number((1 - slo.objective / 100).toPrecision(10));
    const withWindow = (query: string, window: string) => oneLine(query).replaceAll("{{.window}}", window);
    const ratio = (window: string) => `slo:sli_error:ratio_rate${window}`;
    const total = (window: string) => `slo:sli_events:rate${window}`;
    const minRate = slo.alerting.min_event_rate ?? DEFAULT_MIN_EVENT_RATE;

    const sli: RuleGroup = {
      name: `sloth-slo-sli-recordings-${id}`,
      rules: [
        ...WINDOWS.map((window) => ({
          record: ratio(window),
          expr: `(${withWindow(slo.sli.events.error_query, window)})\n/\n(${withWindow(slo.sli.events.total_query, window)})\n`,
          labels: { ...labels, sloth_window: window },
        })),
        {
          record: ratio(PERIOD),
          expr:
            `sum_over_time(${ratio("5m")}${selector(ids)}[${PERIOD}])\n` +
            `/ ignoring (sloth_window)\n` +
            `count_over_time(${ratio("5m")}${selector(ids)}[${PERIOD}])\n`,
          labels: { ...labels, sloth_window: PERIOD },
        },
        // The SLI's events per second, for the low-traffic guard of the alerts (not Sloth's).
        ...WINDOWS.map((window) => ({
          record: total(window),
          expr: `${withWindow(slo.sli.events.total_query, window)}\n`,
          labels: { ...labels, sloth_window: window },
        })),
      ],
    };

    const onIds = "on (sloth_id, sloth_slo, sloth_service) group_left";
    const meta: RuleGroup = {
      name: `sloth-slo-meta-recordings-${id}`,
      rules: [
        { record: "slo:objective:ratio", expr: `vector(${slo.objective / 100})`, labels },
        { record: "slo:error_budget:ratio", expr: `vector(1 - ${slo.objective / 100})`, labels },
        { record: "slo:time_period:days", expr: `vector(${PERIOD_DAYS})`, labels },
        {
          record: "slo:current_burn_rate:ratio",
          expr: `${ratio("5m")}${selector(ids)}\n/ ${onIds}\nslo:error_budget:ratio${selector(ids)}\n`,
          labels,
        },
        {
          record: "slo:period_burn_rate:ratio",
          expr: `${ratio(PERIOD)}${selector(ids)}\n/ ${onIds}\nslo:error_budget:ratio${selector(ids)}\n`,
          labels,
        },
        {
          record: "slo:period_error_budget_remaining:ratio",
          expr: `1 - slo:period_burn_rate:ratio${selector(ids)}`,
          labels,
        },
        {
          record: "sloth_slo_info",
          expr: "vector(1)",
          labels: { ...labels, sloth_mode: "cli-gen-prom", sloth_objective: String(slo.objective) },
        },
      ],
    };

    const burning = (windows: { long: string; short: string; factor: number }[]) =>
      windows
        .map(({ long, short, factor }) => {
          const over = (window: string) =>
            `max(${ratio(window)}${selector(ids)} > (${factor} * ${errorBudget})) without (sloth_window)`;
          const busy = `max(${total(short)}${selector(ids)} > ${minRate}) without (sloth_window)`;
          return `(\n  ${over(short)}\n  and\n  ${over(long)}\n  and\n  ${busy}\n)`;
        })
        .join("\nor\n") + "\n";
    const { alerting } = slo;
    const alert = (severity: "page" | "ticket", windows: typeof PAGE, duration: string): Rule => ({
      alert: alerting.name,
      expr: burning(windows),
      for: duration,
      labels: {
        ...alerting.labels,
        sloth_severity: severity,
        ...(severity === "page" ? alerting.page_alert?.labels : alerting.ticket_alert?.labels),
      },
      annotations: {
        ...alerting.annotations,
        description:
          `${slo.description} The error budget (${errorBudget * 100}% of ${PERIOD}) is being spent ` +
          `${severity === "page" ? "fast: it would be gone in days" : "steadily: it would be gone before the period ends"}.`,
      },
    });
    const alerts: RuleGroup = {
      name: `sloth-slo-alerts-${id}`,
      rules: [alert("page", PAGE, "2m"), alert("ticket", TICKET, "15m")],
    };
    return [sli, meta, alerts];
  });
}
