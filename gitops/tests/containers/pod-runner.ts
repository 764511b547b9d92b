// Runs a ContainerPlan with docker, checks it with its own probes and stops it as the kubelet would:
// preStop, then SIGTERM, then the grace period.
import { chownSync, chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Docker } from "@parley/containers";
import { healthProbe } from "@parley/grpc";
import type { ContainerPlan, Probe } from "./pod-spec";

/** Label on every container the suite starts, so one command finds and removes them all. */
export const SUITE_LABEL = "dev.parley.container-suite";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes the plan's Secret and ConfigMap volumes as files, owned as the kubelet would own them. */
function writeMounts(plan: ContainerPlan, dir: string): string[] {
  return plan.mounts.flatMap((mount, index) => {
    const folder = join(dir, `volume-${index}`);
    mkdirSync(folder);
    for (const [name, content] of Object.entries(mount.files)) {
      const file = join(folder, name);
      writeFileSync(file, content);
      chmodSync(file, mount.mode);
      if (mount.group !== undefined) chownSync(file, 0, mount.group);
    }
    return ["--volume", `${folder}:${mount.path}:ro`];
  });
}

function writeEnvFile(plan: ContainerPlan, dir: string): string {
  const file = join(dir, "env");
  const lines = Object.entries(plan.env).map(([name, value]) => {
    if (/[\r\n]/.test(value))
      throw new Error(`${plan.workload}: ${name} holds a line break, which --env-file cannot carry`);
    return `${name}=${value}`;
  });
  writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  return file;
}

/** `docker run` options that give the container its pod's settings (everything but the command). */
function runOptions(plan: ContainerPlan, dir: string, runId: string): string[] {
  return [
    "--network",
    "host",
    "--label",
    `${SUITE_LABEL}=${runId}`,
    ...(plan.user ? ["--user", plan.user] : []),
    ...plan.groupAdd.flatMap((group) => ["--group-add", String(group)]),
    ...(plan.readOnlyRootFilesystem ? ["--read-only"] : []),
    ...plan.capDrop.flatMap((cap) => ["--cap-drop", cap]),
    ...plan.capAdd.flatMap((cap) => ["--cap-add", cap]),
    ...plan.securityOpts.flatMap((option) => ["--security-opt", option]),
    ...(plan.memoryBytes ? ["--memory", String(plan.memoryBytes)] : []),
    ...(plan.cpus ? ["--cpus", String(plan.cpus)] : []),
    ...plan.tmpfs.flatMap(({ path, sizeBytes }) => [
      "--tmpfs",
      `${path}:rw,mode=1777${sizeBytes ? `,size=${sizeBytes}` : ""}`,
    ]),
    ...writeMounts(plan, dir),
    ...(plan.workingDir ? ["--workdir", plan.workingDir] : []),
    "--env-file",
    writeEnvFile(plan, dir),
  ];
}

const command = (plan: ContainerPlan) => [
  ...(plan.entrypoint ? ["--entrypoint", plan.entrypoint] : []),
  plan.image,
  ...plan.args,
];

export interface RunningContainer {
  plan: ContainerPlan;
  id: string;
  logs(lines?: number): Promise<string>;
  /** Resolves with the exit code, or undefined if it is still running after `seconds`. */
  exitWithin(seconds: number): Promise<number | undefined>;
  /** preStop sleep, SIGTERM, and the rest of the grace period; resolves with the exit code and the time taken. */
  terminate(): Promise<{ exitCode: number | undefined; seconds: number }>;
  remove(): Promise<void>;
}

/**
 * Paths the container cannot read: each variable of `contract` (from the image's ENV or the pod's)
 * whose value is an absolute path, and a script argument, checked in a throwaway container with the
 * same mounts and user. Other variables may name what the process creates (a cache, say).
 */
export async function unreadablePaths(
  docker: Docker,
  plan: ContainerPlan,
  runId: string,
  contract: readonly string[],
): Promise<string[]> {
  const imageEnv = JSON.parse(
    await docker.run(["image", "inspect", "--format", "{{json .Config.Env}}", plan.image]),
  ) as string[];
  const candidates: Record<string, string> = {};
  for (const entry of [...imageEnv, ...Object.entries(plan.env).map(([k, v]) => `${k}=${v}`)]) {
    const [name = "", value = ""] = entry.split(/=(.*)/s);
    if (contract.includes(name) && /^\/[^\s:,]*$/.test(value)) candidates[name] = value;
  }
  const script = plan.args.find((arg) => /\.[cm]?js$/.test(arg));
  if (script) candidates[`argument ${script}`] = script;
  const check = `const fs = require("fs"); const c = ${JSON.stringify(candidates)};
    const bad = Object.entries(c).filter(([, p]) => { try { fs.accessSync(p, fs.constants.R_OK); return false; } catch { return true; } });
    process.stdout.write(JSON.stringify(bad.map(([n, p]) => n + (n.startsWith("argument") ? "" : "=" + p) + " is missing or unreadable in " + process.cwd() + " as uid " + process.getuid())));`;
  const dir = mkdtempSync(join(tmpdir(), "parley-pod-"));
  try {
    const output = await docker.run([
      "run",
      "--rm",
      ...runOptions(plan, dir, runId),
      "--entrypoint",
      plan.entrypoint ?? (await entrypointOf(docker, plan.image)),
      plan.image,
      "-e",
      check,
    ]);
    return (JSON.parse(output) as string[]).map((problem) => `${plan.workload}: ${problem}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function entrypointOf(docker: Docker, image: string): Promise<string> {
  const entrypoint = JSON.parse(
    await docker.run(["image", "inspect", "--format", "{{json .Config.Entrypoint}}", image]),
  ) as string[] | null;
  if (!entrypoint?.[0]) throw new Error(`${image} has no entrypoint to run node with`);
  return entrypoint[0];
}

/** Starts the container in the background, labelled with the suite run it belongs to. */
export async function startContainer(
  docker: Docker,
  plan: ContainerPlan,
  runId: string,
): Promise<RunningContainer> {
  const dir = mkdtempSync(join(tmpdir(), "parley-pod-"));
  const id = (
    await docker.run(["run", "--detach", ...runOptions(plan, dir, runId), ...command(plan)])
  ).trim();
  const state = async () =>
    JSON.parse(await docker.run(["inspect", "--format", "{{json .State}}", id])) as {
      Running: boolean;
      ExitCode: number;
    };
  const exitWithin = async (seconds: number) => {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const { Running, ExitCode } = await state();
      if (!Running) return ExitCode;
      if (Date.now() > deadline) return undefined;
      await sleep(200);
    }
  };
  return {
    plan,
    id,
    async logs(lines = 60) {
      // The service writes to both streams; docker logs replays them on its own two.
      const output: string[] = [];
      await docker.run(["logs", "--tail", String(lines), id], { onLine: (line) => output.push(line) });
      return output.join("\n");
    },
    exitWithin,
    async terminate() {
      const started = Date.now();
      await sleep(plan.preStopSleepSeconds * 1000);
      await docker.run(["kill", "--signal", "SIGTERM", id]);
      const exitCode = await exitWithin(plan.terminationGracePeriodSeconds - plan.preStopSleepSeconds);
      if (exitCode === undefined) await docker.run(["kill", id]);
      return { exitCode, seconds: (Date.now() - started) / 1000 };
    },
    async remove() {
      await docker.run(["rm", "--force", "--volumes", id]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function probeOnce(docker: Docker, container: RunningContainer, probe: Probe): Promise<void> {
  const timeoutMs = probe.timeoutSeconds * 1000;
  switch (probe.kind) {
    case "http": {
      const response = await fetch(`http://127.0.0.1:${probe.port}${probe.path}`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      if (response.status < 200 || response.status >= 400) throw new Error(`HTTP ${response.status}`);
      return;
    }
    case "grpc": {
      // The kubelet's gRPC probe: grpc.health.v1.Health/Check, SERVING or failure.
      const health = healthProbe(`127.0.0.1:${probe.port}`, timeoutMs);
      try {
        await health.check();
      } finally {
        health.close();
      }
      return;
    }
    case "tcp":
      await new Promise<void>((resolve, reject) => {
        const socket = connect(probe.port!, "127.0.0.1", () => {
          socket.end();
          resolve();
        });
        socket.setTimeout(timeoutMs, () => socket.destroy(new Error("timeout")));
        socket.on("error", reject);
      });
      return;
    case "exec":
      await docker.run(["exec", container.id, ...probe.command!]);
  }
}

/** Waits for the probe to pass, as often and as long as its period and failure threshold allow. */
export async function probeUntilSuccess(
  docker: Docker,
  container: RunningContainer,
  probe: Probe,
  which: string,
): Promise<void> {
  await sleep(probe.initialDelaySeconds * 1000);
  let lastError: unknown;
  for (let attempt = 0; attempt < probe.failureThreshold; attempt += 1) {
    const exitCode = await container.exitWithin(0);
    if (exitCode !== undefined)
      throw new Error(
        `${container.plan.workload} exited with code ${exitCode} before its ${which} probe passed:\n${await container.logs()}`,
      );
    try {
      await probeOnce(docker, container, probe);
      return;
    } catch (error) {
      lastError = error;
    }
    await sleep(probe.periodSeconds * 1000);
  }
  throw new Error(
    `${container.plan.workload}: ${which} probe (${probe.kind}) failed ${probe.failureThreshold} times, last: ${(lastError as Error).message}\n${await container.logs()}`,
  );
}

/** Started, then ready as its pod would become: the startup probe passes, then readiness. */
export async function untilReady(docker: Docker, container: RunningContainer): Promise<void> {
  const { startup, readiness, liveness } = container.plan.probes;
  if (startup) await probeUntilSuccess(docker, container, startup, "startup");
  if (readiness) {
    // Readiness has no failure limit in Kubernetes; a pod stays unready. Here a minute is the limit.
    await probeUntilSuccess(
      docker,
      container,
      { ...readiness, failureThreshold: Math.ceil(60 / readiness.periodSeconds) },
      "readiness",
    );
  }
  if (liveness) await probeOnce(docker, container, liveness);
}
