import type { FanOutPoint } from "./curves/fan-out";
import type { HistoryCurve } from "./curves/history";
import type { IdleStreamsCurve } from "./curves/idle-streams";
import { fixed, markdownTable, ms, perS, quantiles } from "./markdown";
import type { Panel } from "./svg-chart";

export interface Curves {
  fanOut?: FanOutPoint[];
  idleStreams?: IdleStreamsCurve;
  history?: HistoryCurve;
}

/** Each curve's name in file names (`<report>-<name>.svg`) and its plot. */
export function curveCharts(curves: Curves): { name: string; panels: Panel[] }[] {
  const charts: { name: string; panels: Panel[] }[] = [];
  if (curves.fanOut) {
    const at = (figure: (s: NonNullable<FanOutPoint["sustained"]>) => number | undefined) =>
      curves.fanOut!.map((p) => ({ x: p.groupSize, y: (p.sustained && figure(p.sustained)) ?? NaN }));
    const groupSize = { label: "group size", unit: "members", scale: "log" as const };
    charts.push({
      name: "fanout",
      panels: [
        {
          title: "Fan-out: sustained rate by group size",
          x: groupSize,
          y: { label: "rate", unit: "per second" },
          series: [
            { name: "live deliveries/s", points: at((s) => s.deliveriesPerS) },
            { name: "sends/s", points: at((s) => s.sendsPerS) },
          ],
        },
        {
          title: "Fan-out: services' CPU per delivery",
          x: groupSize,
          y: { label: "CPU per delivery", unit: "ms" },
          series: [{ name: "all services", points: at((s) => s.cpuMsPerDelivery) }],
        },
      ],
    });
  }
  if (curves.idleStreams) {
    const { points } = curves.idleStreams;
    const streams = { label: "idle streams on one gateway", unit: "streams" };
    charts.push({
      name: "streams",
      panels: [
        {
          title: "Idle streams: memory per stream added since the previous point",
          x: streams,
          y: { label: "growth per stream", unit: "KiB" },
          series: [
            {
              name: "RSS, gateway",
              points: points.map((p) => ({ x: p.streams, y: p.rssKiBPerStream.gateway })),
            },
            {
              name: "RSS, notification",
              points: points.map((p) => ({ x: p.streams, y: p.rssKiBPerStream.notification })),
            },
            {
              name: "heap, gateway",
              points: points.map((p) => ({ x: p.streams, y: p.heapKiBPerStream.gateway })),
            },
            {
              name: "heap, notification",
              points: points.map((p) => ({ x: p.streams, y: p.heapKiBPerStream.notification })),
            },
          ],
        },
        {
          title: `Idle streams: services' CPU per heartbeat interval (${curves.idleStreams.heartbeatSeconds} s)`,
          x: streams,
          y: { label: "CPU per interval", unit: "ms" },
          series: [
            { name: "all services", points: points.map((p) => ({ x: p.streams, y: p.cpuMsPerHeartbeat })) },
          ],
        },
        {
          title: "Idle streams: one message to all of them",
          x: streams,
          y: { label: "send → on the stream", unit: "ms" },
          series: [
            { name: "last stream", points: points.map((p) => ({ x: p.streams, y: p.deliveryToAllMs.max })) },
            {
              name: "median stream",
              points: points.map((p) => ({ x: p.streams, y: p.deliveryToAllMs.p50 })),
            },
          ],
        },
      ],
    });
  }
  if (curves.history) {
    const { byDepth } = curves.history;
    charts.push({
      name: "history",
      panels: [
        {
          title: `History: a page of ${curves.history.pageSize} by depth into ${curves.history.messages} messages`,
          x: { label: "newer messages before the page", unit: "messages" },
          y: { label: "page latency", unit: "ms" },
          series: [
            { name: "p99", points: byDepth.map((b) => ({ x: b.depth, y: b.p99 })) },
            { name: "p50", points: byDepth.map((b) => ({ x: b.depth, y: b.p50 })) },
          ],
        },
      ],
    });
  }
  return charts;
}

/** A rate the ramp never got past (no step fell behind) is a lower bound. */
const atLeast = (point: FanOutPoint) => (point.fellBehind ? "" : "≥ ");

/** The curves as Markdown sections; `plot(name)` names each curve's SVG file. */
export function curveSections(curves: Curves, plot: (name: string) => string): string[] {
  const sections: string[] = [];
  if (curves.fanOut) {
    sections.push(
      "## Cost curve: fan-out",
      `One group per size, every member with a live stream, sends from its members in turn; a short ramp per size ` +
        `(the highest step that kept up is shown; ≥ where no step fell behind). Sends to one conversation serialize on ` +
        `its row, so one group's send rate is bounded by that. CPU is the services' together. Plot: \`${plot("fanout")}\`.\n\n` +
        markdownTable(
          [
            "group size",
            "sends/s",
            "live deliveries/s",
            "p99 send → delivery (ms)",
            "CPU per delivery (ms)",
            "steps",
            "lost / duplicated",
          ],
          curves.fanOut.map((p) => [
            String(p.groupSize),
            p.sustained ? `${atLeast(p)}${perS(p.sustained.sendsPerS)}` : "none kept up",
            p.sustained ? `${atLeast(p)}${perS(p.sustained.deliveriesPerS)}` : "–",
            p.sustained ? ms(p.sustained.deliveryP99Ms) : "–",
            fixed(p.sustained?.cpuMsPerDelivery, 3),
            String(p.steps),
            `${p.lost} / ${p.duplicates}`,
          ]),
        ),
    );
  }
  if (curves.idleStreams) {
    const c = curves.idleStreams;
    sections.push(
      "## Cost curve: idle streams",
      `Streams held on one gateway (restarted with notification before the curve) by the ${c.recipients} members of ` +
        `one group (several each), measured idle for ${c.idleWindowS} s at each point, the points cumulative. Memory ` +
        `per stream is the growth since the previous point (the idle platform before the first) over the streams added: ` +
        `peak RSS, and the lowest heap in use (the live heap). CPU is the services' per ${c.heartbeatSeconds}-second ` +
        `heartbeat interval, all streams together, and each stream's share beyond the idle platform's. ` +
        `Then one message to the group, timed to every stream.${c.capped ? ` **Capped:** ${c.capped}.` : ""}` +
        `${c.failed ? ` **Failed at ${c.failed.streams} streams:** ${c.failed.reason}.` : ""} ` +
        `Plot: \`${plot("streams")}\`.\n\n` +
        markdownTable(
          [
            "streams",
            "opened in (s)",
            "RSS per added stream, gateway / notification (KiB)",
            "heap per added stream, gateway / notification (KiB)",
            "CPU per heartbeat interval (ms)",
            "per stream (µs)",
            "one message to all: median / last (ms)",
            "missing",
          ],
          c.points.map((p) => [
            String(p.streams),
            fixed(p.openSeconds, 1),
            `${fixed(p.rssKiBPerStream.gateway, 1)} / ${fixed(p.rssKiBPerStream.notification, 1)}`,
            `${fixed(p.heapKiBPerStream.gateway, 1)} / ${fixed(p.heapKiBPerStream.notification, 1)}`,
            ms(p.cpuMsPerHeartbeat),
            fixed(p.cpuUsPerStreamHeartbeat, 1),
            `${ms(p.deliveryToAllMs.p50)} / ${ms(p.deliveryToAllMs.max)}`,
            String(p.missing),
          ]),
        ),
    );
  }
  if (curves.history) {
    const h = curves.history;
    const edge = (summary: typeof h.startMs) => `${quantiles(summary)} (${summary.count} pages)`;
    sections.push(
      "## Cost curve: history",
      `${h.messages} messages written into one conversation in ${fixed(h.seedSeconds, 1)} s, then read back newest first ` +
        `through the gateway, ${h.pageSize} a page (${h.pages} pages). Page latency in ms as p50 / p95 / p99 / max. ` +
        `Plot: \`${plot("history")}\`.\n\n` +
        markdownTable(
          ["pages", "page latency"],
          [
            ["at the start (newest)", edge(h.startMs)],
            ["at the end (oldest)", edge(h.endMs)],
          ],
        ),
    );
  }
  return sections;
}
