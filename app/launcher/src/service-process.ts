import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface ServiceProcessOptions {
  name: string;
  /** The compiled entry point (`app/services/<name>/dist/main.js`). */
  entry: string;
  /** The whole environment of the process. */
  env: Record<string, string>;
  /** Options for node itself, before the entry point (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  adminPort: number;
  /** Receives every line the process writes, stdout and stderr alike. */
  onLine(name: string, line: string): void;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  adminPort: number;
  /** Resolves when /readyz answers 200; rejects if the process exits first or time runs out. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** Runs one service as its own Node.js process. */
export function startServiceProcess(options: ServiceProcessOptions): ServiceProcess {
  const { name, entry, env, nodeArgs = [], adminPort, onLine } = options;
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: a terminal's Ctrl-C reaches only the launcher, which stops the
    // services one by one (gateway first) instead of all at once.
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => onLine(name, line));
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  async function ready(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (hasExited) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
      try {
        const response = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${name} was not ready within ${timeoutMs} ms`);
  }

  async function stop(graceMs = 10_000) {
    if (hasExited) return child.exitCode;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  async function kill() {
    if (hasExited) return;
    child.kill("SIGKILL");
    await exited;
  }

  return { name, child, adminPort, ready, stop, kill, exited };
}
