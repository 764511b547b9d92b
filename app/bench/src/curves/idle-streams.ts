import { sendMessage } from "@parley/api-client";
import { eventually, parseMetrics, total } from "@parley/test-support";
import { IdleStream } from "../idle-stream";
import { messageBody } from "../message-payload";
import { createPopulation } from "../population";
import type { ProcessFigures, ProcessSampler } from "../process-sampler";
import { quantile } from "../statistics";

export interface IdleStreamsSettings {
  /** Streams held at each point; the points are cumulative (each adds to the last). */
  counts: number[];
  /** Users the streams belong to (several streams each), all members of one group. */
  recipients: number;
  /** How long each point is measured idle, in heartbeat intervals. */
  idleWindowHeartbeats: number;
}

/** Per stream added: the growth since the previous point (the idle platform before the first) over the streams added. */
interface PerStream {
  gateway: number;
  notification: number;
}

export interface IdleStreamsPoint {
  streams: number;
  /** Seconds from the first open of this point until the notification service held every stream. */
  openSeconds: number;
  /** Peak resident memory growth per stream added, KiB. */
  rssKiBPerStream: PerStream;
  /** Growth of the lowest V8 heap in use (the live heap after collections) per stream, KiB. */
  heapKiBPerStream: PerStream;
  /** The services' CPU per heartbeat interval while the streams sat idle, ms (all streams together). */
  cpuMsPerHeartbeat: number;
  /** Each stream's share of it beyond the platform's own idle CPU, µs per interval. */
  cpuUsPerStreamHeartbeat: number;
  /** From the send until the message was on every stream: the median stream and the last one, ms. */
  deliveryToAllMs: { p50: number; max: number };
  /** Streams the message had not reached when the wait ended. */
  missing: number;
}

export interface IdleStreamsCurve {
  heartbeatSeconds: number;
  recipients: number;
  idleWindowS: number;
  /** Why the largest point is smaller than asked for, when it is. */
  capped: string | undefined;
  /** The point the platform failed at (a service out of memory, streams refused), and how. */
  failed: { streams: number; reason: string } | undefined;
  points: IdleStreamsPoint[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OPEN_CONCURRENCY = 64;
const DELIVERY_TIMEOUT_MS = 30_000;

async function metric(adminPort: number, name: string): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${adminPort}/metrics`).then((r) => r.text());
  return total(parseMetrics(text).samples, name);
}

/**
 * Idle live streams on one gateway: per point, opens streams up to the count, lets them sit idle
 * for the window, and measures memory and CPU; then sends one message to the group and times it
 * to every stream. The streams belong to a few users (a group's members) holding many each:
 * what a gateway and the notification service keep per connection (socket, SSE response, upstream
 * gRPC stream, heartbeat timers, the stream's row) is the same whoever holds it, and 20 000
 * registrations would cost more than the curve.
 */
export async function idleStreamsCurve(options: {
  gatewayUrl: string;
  sampler: ProcessSampler;
  adminPorts: { gateway: number; notification: number };
  heartbeatSeconds: number;
  settings: IdleStreamsSettings;
  /** The most streams that fit the open-file limit, and what limits it. */
  capacity: { streams: number; reason: string };
  /** What is wrong with the platform's processes (an exit), to explain a failure. */
  processTrouble: () => Promise<string | undefined>;
  print: (text: string) => void;
}): Promise<IdleStreamsCurve> {
  const { gatewayUrl, sampler, adminPorts, heartbeatSeconds, settings, capacity } = options;
  const counts = [...new Set(settings.counts.map((count) => Math.min(count, capacity.streams)))].filter(
    (count) => count > 0,
  );
  const capped = Math.max(...settings.counts) > capacity.streams ? capacity.reason : undefined;
  if (capped) options.print(`idle streams: ${capped}`);
  const idleWindowMs = settings.idleWindowHeartbeats * heartbeatSeconds * 1000;
  const population = await createPopulation(gatewayUrl, {
    directPairs: 0,
    groups: 1,
    groupSize: settings.recipients + 1,
  });
  const [sender, ...recipients] = population.conversations[0]!.members;
  const streams: IdleStream[] = [];
  const idle = async () => {
    const mark = await sampler.mark();
    await sleep(idleWindowMs);
    return Object.fromEntries(await mark.end()) as Record<string, ProcessFigures>;
  };
  const servicesCpu = (figures: Record<string, ProcessFigures>) =>
    Object.values(figures)
      .filter((f) => f.service)
      .reduce((sum, f) => sum + f.cpuSeconds, 0);
  const points: IdleStreamsPoint[] = [];
  let failed: IdleStreamsCurve["failed"];
  let opened = 0;
  try {
    const streamsOpen = {
      gateway: await metric(adminPorts.gateway, "parley_sse_streams_open"),
      notification: await metric(adminPorts.notification, "parley_notification_streams_open"),
    };
    options.print(`idle streams: the platform idle for ${idleWindowMs / 1000} s first`);
    const before = await idle();
    let previous = { streams: 0, figures: before };
    for (const count of counts) {
      options.print(`idle streams: ${count}`);
      try {
        const opening = performance.now();
        const added = Array.from({ length: count - streams.length }, () => new IdleStream());
        const refused: string[] = [];
        await Promise.all(
          Array.from({ length: OPEN_CONCURRENCY }, async () => {
            for (let stream = added.shift(); stream && !refused.length; stream = added.shift()) {
              streams.push(stream);
              const user = recipients[streams.length % recipients.length]!;
              await stream.open(gatewayUrl, user.token).then(
                (status) => (status === 200 ? (opened += 1) : refused.push(`http ${status}`)),
                (error: Error) => refused.push(error.message),
              );
            }
          }),
        );
        if (refused.length) throw new Error(`${refused.length} streams could not be opened (${refused[0]})`);
        const held = await eventually(
          async () =>
            (await metric(adminPorts.gateway, "parley_sse_streams_open")) >= streamsOpen.gateway + count &&
            (await metric(adminPorts.notification, "parley_notification_streams_open")) >=
              streamsOpen.notification + count,
          120_000,
          250,
        );
        if (!held) throw new Error(`the platform did not hold ${count} idle streams within 2 minutes`);
        const openSeconds = (performance.now() - opening) / 1000;

        const during = await idle();
        const growth = (name: "gateway" | "notification", figure: "peakRssMiB" | "lowHeapUsedMiB") =>
          ((during[name]![figure] - previous.figures[name]![figure]) * 1024) / (count - previous.streams);
        const cpuSeconds = servicesCpu(during);

        for (const stream of streams) stream.arm();
        const sent = performance.now();
        const { data, response } = await sendMessage(
          sender!.api,
          population.conversations[0]!.id,
          messageBody(`to ${count} idle streams`),
          { attempts: 1 },
        );
        if (!data) throw new Error(`the message to the idle streams answered ${response.status}`);
        const arrivals = () => streams.map((stream) => stream.arrivalOf(data.id));
        await eventually(() => arrivals().every((at) => at !== undefined), DELIVERY_TIMEOUT_MS, 50);
        const delays = arrivals()
          .filter((at): at is number => at !== undefined)
          .map((at) => at - sent)
          .sort((a, b) => a - b);
        points.push({
          streams: count,
          openSeconds,
          rssKiBPerStream: {
            gateway: growth("gateway", "peakRssMiB"),
            notification: growth("notification", "peakRssMiB"),
          },
          heapKiBPerStream: {
            gateway: growth("gateway", "lowHeapUsedMiB"),
            notification: growth("notification", "lowHeapUsedMiB"),
          },
          cpuMsPerHeartbeat: (cpuSeconds * 1000 * heartbeatSeconds * 1000) / idleWindowMs,
          cpuUsPerStreamHeartbeat:
            ((cpuSeconds - servicesCpu(before)) * 1e6 * heartbeatSeconds * 1000) / idleWindowMs / count,
          deliveryToAllMs: {
            p50: quantile(delays, 0.5),
            max: delays.length ? delays[delays.length - 1]! : NaN,
          },
          missing: streams.length - delays.length,
        });
        previous = { streams: count, figures: during };
      } catch (error) {
        // The curve stops where the platform gives up; what it measured up to there stands.
        const trouble = await options.processTrouble();
        failed = {
          streams: count,
          reason: `${(error as Error).message} with ${opened} streams open${trouble ? `; ${trouble}` : ""}`,
        };
        options.print(`idle streams: failed at ${count}: ${failed.reason}`);
        break;
      }
    }
  } finally {
    for (const stream of streams) stream.close();
    population.close();
  }
  return {
    heartbeatSeconds,
    recipients: settings.recipients,
    idleWindowS: idleWindowMs / 1000,
    capped,
    failed,
    points,
  };
}
