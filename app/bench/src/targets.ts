import type { BenchResult, Target } from "./report";

/** Issue 20's targets for a 2-core machine running everything. */
export const TARGETS = {
  sendsPerS: 540,
  shareOfRawSubstrate: 0.15,
  serviceCpuMsPerSend: 1.6,
  p99AtSustainedMs: 250,
  p99AtHalfMs: 100,
  serviceRssMB: 150,
  idleStreamKB: 20,
  idleStreams: 20_000,
  deliveryToAllMs: 2000,
};

const MB = 1_000_000;
/** The delivery target is judged at the largest idle-stream point only if it comes this close to 20 000. */
const NEAR_ENOUGH = 0.95;

/** Each target beside what the run measured: printed, never asserted. */
export function targetsOf(result: Omit<BenchResult, "targets">): Target[] {
  const { hold, half, ratios, cpuPerSend, curves } = result;
  const services = hold ? Object.entries(hold.processes).filter(([, figures]) => figures.service) : [];
  const heaviest = [...services].sort((a, b) => b[1].peakRssMiB - a[1].peakRssMiB)[0];
  const heaviestMB = heaviest ? (heaviest[1].peakRssMiB * 1024 * 1024) / MB : NaN;
  const largest = curves.idleStreams?.points.at(-1);
  const failed = curves.idleStreams?.failed;
  const streamKB = largest
    ? ((largest.rssKiBPerStream.gateway + largest.rssKiBPerStream.notification) * 1024) / 1000
    : NaN;
  const p99 = (phase: { deliveryLatencyMs: { p99: number } } | undefined, limit: number) =>
    phase !== undefined && phase.deliveryLatencyMs.p99 <= limit;
  const lostOrRepeated = result.lostDeliveries + result.duplicateDeliveries;

  return [
    {
      target: `sustained throughput ≥ ${TARGETS.sendsPerS} sends/s and ≥ ${TARGETS.shareOfRawSubstrate * 100}% of the raw substrate baseline (same run)`,
      measured: hold
        ? `${hold.acceptedPerS.toFixed(1)}/s = ${(ratios.toRawSubstrate * 100).toFixed(1)}% of ${result.baselines.rawSubstrate.perSecond.toFixed(0)} tx/s` +
          (hold.shortfalls.length ? `; did not hold: ${hold.shortfalls.join("; ")}` : "")
        : "no step kept up",
      met:
        hold !== undefined &&
        hold.shortfalls.length === 0 &&
        hold.acceptedPerS >= TARGETS.sendsPerS &&
        ratios.toRawSubstrate >= TARGETS.shareOfRawSubstrate,
    },
    {
      target: `the services' CPU per send ≤ ${TARGETS.serviceCpuMsPerSend} ms in total, at the sustained rate`,
      measured: cpuPerSend
        ? `${cpuPerSend.servicesMs.toFixed(2)} ms (${services
            .filter(([name]) => cpuPerSend.msPerUnit[name] !== undefined)
            .map(([name]) => `${name} ${cpuPerSend.msPerUnit[name]!.toFixed(2)}`)
            .join(", ")})`
        : "not measured",
      met: cpuPerSend ? cpuPerSend.servicesMs <= TARGETS.serviceCpuMsPerSend : undefined,
    },
    {
      target: `p99 send → live delivery ≤ ${TARGETS.p99AtSustainedMs} ms at the sustained rate`,
      measured: hold ? `${Math.round(hold.deliveryLatencyMs.p99)} ms at ${hold.targetRate}/s` : "not run",
      met: p99(hold, TARGETS.p99AtSustainedMs),
    },
    {
      target: `p99 send → live delivery ≤ ${TARGETS.p99AtHalfMs} ms at half the sustained rate`,
      measured: half ? `${Math.round(half.deliveryLatencyMs.p99)} ms at ${half.targetRate}/s` : "not run",
      met: p99(half, TARGETS.p99AtHalfMs),
    },
    {
      target: `every service < ${TARGETS.serviceRssMB} MB RSS at the sustained rate, with production heap settings`,
      measured: heaviest ? `highest ${heaviestMB.toFixed(0)} MB (${heaviest[0]})` : "not measured",
      met: heaviest ? heaviestMB < TARGETS.serviceRssMB : undefined,
    },
    {
      target: `memory per idle stream < ${TARGETS.idleStreamKB} KB (RSS growth per stream added, gateway + notification)`,
      measured: largest
        ? `${streamKB.toFixed(1)} KB at ${largest.streams} streams (gateway ${(largest.rssKiBPerStream.gateway * 1.024).toFixed(1)}, ` +
          `notification ${(largest.rssKiBPerStream.notification * 1.024).toFixed(1)})`
        : "not run",
      met: largest ? streamKB < TARGETS.idleStreamKB : undefined,
    },
    {
      target: `one message to ${TARGETS.idleStreams} idle streams in < ${TARGETS.deliveryToAllMs / 1000} s`,
      measured: failed
        ? `the platform failed at ${failed.streams} streams: ${failed.reason}`
        : largest
          ? `${Math.round(largest.deliveryToAllMs.max)} ms to the last of ${largest.streams} streams` +
            (largest.missing ? `, ${largest.missing} never reached` : "") +
            (largest.streams < TARGETS.idleStreams * NEAR_ENOUGH ? " (too few streams to judge)" : "")
          : "not run",
      met: failed
        ? false
        : largest && largest.streams >= TARGETS.idleStreams * NEAR_ENOUGH
          ? largest.missing === 0 && largest.deliveryToAllMs.max < TARGETS.deliveryToAllMs
          : undefined,
    },
    {
      target: "nothing lost or duplicated (the whole run, curves included)",
      measured: `${result.lostDeliveries} lost, ${result.duplicateDeliveries} duplicated`,
      met: lostOrRepeated === 0,
    },
    {
      target: "no growth of the outbox backlog at the sustained rate",
      measured:
        hold?.outboxBacklog === null || hold === undefined
          ? "not measured"
          : `${hold.outboxBacklog} rows pending at the end of the hold (${hold.targetRate} sends/s)`,
      met:
        hold?.outboxBacklog === null ? undefined : hold !== undefined && hold.outboxBacklog < hold.targetRate,
    },
  ];
}
