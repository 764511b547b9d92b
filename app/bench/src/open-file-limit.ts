import { execFileSync } from "node:child_process";

/** Descriptors a process needs besides its streams: its listening ports, gRPC, database, broker, logs. */
export const DESCRIPTOR_RESERVE = 1000;

export interface OpenFileLimits {
  soft: number;
  hard: number;
}

/** `ulimit -Sn; ulimit -Hn` output as numbers (`unlimited` as Infinity). */
export function parseLimits(text: string): OpenFileLimits {
  const [soft, hard] = text
    .trim()
    .split(/\s+/)
    .map((value) => (value === "unlimited" ? Infinity : Number(value)));
  if (!(soft! > 0) || !(hard! > 0)) throw new Error(`unexpected ulimit output: ${JSON.stringify(text)}`);
  return { soft: soft!, hard: hard! };
}

/**
 * This process's open-file limits. Node.js raises its soft limit to the hard one as it starts, and
 * the services it starts inherit that, so the hard limit is the one that counts.
 */
export const openFileLimits = (): OpenFileLimits =>
  parseLimits(execFileSync("sh", ["-c", "ulimit -Sn; ulimit -Hn"], { encoding: "utf8" }));

/** The most idle streams one process can hold under a soft limit. */
export const streamCapacity = (limits: OpenFileLimits): number =>
  Math.max(0, limits.soft - DESCRIPTOR_RESERVE);
