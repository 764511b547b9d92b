// What a PromQL expression reads, found with Prometheus' own grammar (the Lezer parser of its web
// UI): each vector selector with its metric name and label matchers.
import type { parser as lezerParser } from "@prometheus-io/lezer-promql" with { "resolution-mode": "import" };

// The package ships CommonJS beside its ES module, but types for the ES module only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require("@prometheus-io/lezer-promql") as { parser: typeof lezerParser };

export interface Matcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export interface Selector {
  /** The selector as written, e.g. `up{job="gateway"}`. */
  text: string;
  metric: string;
  matchers: Matcher[];
}

export interface Parsed {
  /** Syntax errors, as the text around each. */
  errors: string[];
  selectors: Selector[];
}

/** Grafana's built-in variables as a query evaluates them, and ours as "any value". */
export function substituteGrafanaVariables(expr: string): string {
  return expr
    .replaceAll("$__rate_interval", "1m")
    .replaceAll("$__interval", "15s")
    .replaceAll("$__range", "5m")
    .replace(/\$\{?[a-z_]+\}?/g, ".*");
}

const unquote = (literal: string) =>
  JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1)}"` : literal);

export function parsePromQL(expr: string): Parsed {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const selectors: Selector[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError)
        errors.push(`syntax error at ${node.from}: ${expr.slice(Math.max(0, node.from - 20), node.to + 20)}`);
      if (node.name !== "VectorSelector") return;
      const text = expr.slice(node.from, node.to);
      let metric = "";
      const matchers: Matcher[] = [];
      const cursor = node.node.cursor();
      cursor.firstChild();
      do {
        if (cursor.name === "Identifier") metric = expr.slice(cursor.from, cursor.to);
        if (cursor.name === "LabelMatchers") {
          const list = cursor.node;
          for (let m = list.firstChild; m; m = m.nextSibling) {
            if (!m.name.endsWith("LabelMatcher")) continue;
            const label = m.getChild("LabelName") ?? m.getChild("QuotedLabelName");
            const op = m.getChild("MatchOp");
            const value = m.getChild("StringLiteral");
            if (!label || !op || !value) continue;
            const name = expr.slice(label.from, label.to);
            const matcher = {
              label: name.startsWith('"') ? unquote(name) : name,
              op: expr.slice(op.from, op.to) as Matcher["op"],
              value: unquote(expr.slice(value.from, value.to)),
            };
            if (matcher.label === "__name__" && matcher.op === "=") metric = matcher.value;
            else matchers.push(matcher);
          }
        }
      } while (cursor.nextSibling());
      selectors.push({ text, metric, matchers });
    },
  });
  return { errors, selectors };
}
