import { readFile, readdir } from "node:fs/promises";

/** Linux reports CPU time in /proc in USER_HZ ticks, 100 a second on every architecture Node.js runs on. */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds from a /proc/<pid>/stat line (the name in brackets may hold spaces). */
export function cpuSecondsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of proc(5), counted from the state (field 3) here.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU time of the local processes whose command line matches, e.g. PostgreSQL's backends for one
 * platform's roles. The total is summed over every process seen since the start: one that exits
 * keeps the time last read of it, so the total never goes back. Undefined while none is seen (a
 * server on another machine) or without /proc (not Linux).
 */
export class ProcessGroupCpu {
  private readonly matched = new Map<number, boolean>();
  private readonly seconds = new Map<number, number>();

  constructor(private readonly matches: (commandLine: string) => boolean) {}

  async cpuSeconds(): Promise<number | undefined> {
    let entries: string[];
    try {
      entries = await readdir("/proc");
    } catch {
      return undefined;
    }
    await Promise.all(
      entries
        .filter((entry) => /^\d+$/.test(entry))
        .map(async (entry) => {
          const pid = Number(entry);
          try {
            if (!this.matched.has(pid)) {
              const commandLine = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replace(/\0/g, " ");
              this.matched.set(pid, this.matches(commandLine));
            }
            if (this.matched.get(pid))
              this.seconds.set(pid, cpuSecondsOfStat(await readFile(`/proc/${pid}/stat`, "utf8")));
          } catch {
            // The process exited between the listing and the read.
          }
        }),
    );
    if (!this.seconds.size) return undefined;
    return [...this.seconds.values()].reduce((sum, s) => sum + s, 0);
  }
}
