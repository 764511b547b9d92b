// Every PromQL expression of a dashboard: panel targets and `label_values(...)` variable queries.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface DashboardQuery {
  /** Dashboard, panel and query, for messages. */
  where: string;
  expr: string;
  /** For variable queries: the label whose values the variable lists. */
  label?: string;
}

export function dashboardQueries(dashboard: Json): DashboardQuery[] {
  const panels: Json[] = dashboard.panels.flatMap((p: Json) => [p, ...(p.panels ?? [])]);
  const targets = panels.flatMap((panel) =>
    (panel.targets ?? []).map((t: Json) => ({
      where: `${dashboard.uid} / ${panel.title} / ${t.refId}`,
      expr: t.expr as string,
    })),
  );
  const variables = dashboard.templating.list
    .filter((v: Json) => v.type === "query")
    .map((v: Json) => {
      const query = typeof v.query === "string" ? v.query : v.query.query;
      const match = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(query);
      if (!match) throw new Error(`${dashboard.uid}: variable ${v.name} is not a label_values() query`);
      return { where: `${dashboard.uid} / variable ${v.name}`, expr: match[1]!, label: match[2]! };
    });
  return [...targets, ...variables];
}
