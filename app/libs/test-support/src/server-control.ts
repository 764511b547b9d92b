import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { connect } from "node:net";
import { promisify } from "node:util";
import { eventually } from "./eventually";

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => done(true));
  });
}

async function waitForPort(port: number, open: boolean, timeoutMs: number): Promise<void> {
  if (!(await eventually(async () => (await portAnswers(port)) === open, timeoutMs, 200)))
    throw new Error(`port ${port} did not ${open ? "open" : "close"} in time`);
}

const AMQP_PORT = 5672;
const POSTGRES_PORT = 5432;

/** The broker's Erlang VM processes (the `rabbit@...` node's beam.smp). */
async function brokerPids(): Promise<number[]> {
  try {
    const { stdout } = await run("pgrep", ["-f", "beam.*-s rabbit boot"]);
    return stdout.split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function awaitBrokerStartup(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // Fails at once while the node itself is still booting; then waits for the application.
      await run("rabbitmqctl", ["await_startup", "--timeout", "60"], { timeout: 70_000 });
      await waitForPort(AMQP_PORT, true, 30_000);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(1000);
    }
  }
}

/**
 * Controls the local RabbitMQ as an operator (or a crash) would. Only disruptive tests and the
 * reliability harness use these, and they always restore what they stopped (`ensureUp`).
 */
export const rabbitmq = {
  /** Stops the RabbitMQ application; the Erlang node stays up. */
  async stopApp(): Promise<void> {
    await run("rabbitmqctl", ["stop_app"], { timeout: 60_000 });
  },
  async startApp(): Promise<void> {
    await run("rabbitmqctl", ["start_app"], { timeout: 120_000 });
    await run("rabbitmqctl", ["await_startup", "--timeout", "120"], { timeout: 130_000 });
  },
  /** `kill -9` of the broker's Erlang VM, as an OOM kill or a crash would end it. */
  async killHard(): Promise<void> {
    const pids = await brokerPids();
    if (!pids.length) throw new Error("no RabbitMQ beam process found");
    for (const pid of pids) process.kill(pid, "SIGKILL");
    const deadline = Date.now() + 30_000;
    while ((await brokerPids()).length) {
      if (Date.now() > deadline) throw new Error("the RabbitMQ beam process outlived SIGKILL");
      await sleep(100);
    }
  },
  /** Starts the broker node (as the packaged service user) and waits until it accepts connections. */
  async startServer(): Promise<void> {
    await run("rabbitmq-server", ["-detached"], { timeout: 60_000 });
    await awaitBrokerStartup();
  },
  /**
   * Sets the memory alarm threshold; 0 raises the alarm at once, which blocks every publishing
   * connection (their publishes stay unconfirmed until it is raised again; `ensureUp` does).
   */
  async setMemoryHighWatermark(fraction: number): Promise<void> {
    await run("rabbitmqctl", ["set_vm_memory_high_watermark", String(fraction)], { timeout: 30_000 });
  },
  /** Connection names and states (`running`, `blocking`, `blocked`, ...). */
  async connections(): Promise<{ name: string; state: string }[]> {
    const { stdout } = await run("rabbitmqctl", ["list_connections", "--silent", "name", "state"], {
      timeout: 30_000,
    });
    return stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [name = "", state = ""] = line.split("\t");
        return { name, state };
      });
  },
  /**
   * Whatever was done to it, leaves the broker running with its default memory threshold: starts
   * the node or the application if either is down.
   */
  async ensureUp(defaultWatermark = 0.4): Promise<void> {
    if (!(await portAnswers(AMQP_PORT))) {
      if ((await brokerPids()).length) {
        await run("rabbitmqctl", ["start_app"], { timeout: 120_000 }).catch(() => undefined);
        await awaitBrokerStartup();
      } else {
        await rabbitmq.startServer();
      }
    }
    await rabbitmq.setMemoryHighWatermark(defaultWatermark);
  },
};

async function postgresCluster(): Promise<string> {
  const versions = (await readdir("/etc/postgresql")).filter((name) => /^\d+$/.test(name));
  if (!versions.length) throw new Error("no PostgreSQL cluster under /etc/postgresql");
  return versions.sort((a, b) => Number(b) - Number(a))[0]!;
}

/** Controls the local PostgreSQL cluster (`<version> main`), as an operator or a crash would. */
export const postgres = {
  /** Restart in immediate mode: every backend is killed without a checkpoint, then recovery runs. */
  async restartImmediate(): Promise<void> {
    const version = await postgresCluster();
    await run("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "restart", "-m", "immediate"], {
      timeout: 120_000,
    });
    await waitForPort(POSTGRES_PORT, true, 60_000);
  },
  /** Starts the cluster if nothing answers on its port. */
  async ensureUp(): Promise<void> {
    if (await portAnswers(POSTGRES_PORT)) return;
    const version = await postgresCluster();
    await run("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], {
      timeout: 120_000,
    }).catch(() => undefined);
    await waitForPort(POSTGRES_PORT, true, 60_000);
  },
};
