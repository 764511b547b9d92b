// A real Prometheus server (the Debian package's binary) for tests: its own configuration, data
// folder and free port, never the system's service. Also starts postgres_exporter the same way.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@parley/launcher";
import { stringify } from "yaml";
import { observabilityDir } from "../../src/paths";

export interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  params?: Record<string, string[]>;
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
  relabel_configs?: Record<string, unknown>[];
}

export interface PrometheusServer {
  url: string;
  /** GET an API path with query parameters; throws unless Prometheus answers `success`. */
  api<T>(apiPath: string, params: Record<string, string | string[]>): Promise<T>;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || output().includes("ENOENT"))
      throw new Error(
        `${child.spawnfile} did not start (observability/ci-setup.sh installs it): ${output()}`,
      );
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${output()}`);
}

function startProcess(command: string, args: string[], env: Record<string, string> = {}) {
  let output = "";
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.on("error", (error) => (output += String(error)));
  for (const stream of [child.stdout, child.stderr])
    stream.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output: () => output, stop };
}

/** postgres_exporter on a free port, against `databaseUrl`. */
export async function startPostgresExporter(
  databaseUrl: string,
): Promise<{ target: string; stop(): Promise<void> }> {
  const port = await freePort();
  const url = new URL(databaseUrl);
  if (!url.searchParams.has("sslmode")) url.searchParams.set("sslmode", "disable");
  const exporter = startProcess("prometheus-postgres-exporter", [`--web.listen-address=127.0.0.1:${port}`], {
    DATA_SOURCE_NAME: url.toString(),
  });
  await waitFor(`http://127.0.0.1:${port}/metrics`, exporter.child, exporter.output);
  return { target: `127.0.0.1:${port}`, stop: exporter.stop };
}

/**
 * Prometheus on a free port scraping `jobs` every second, with `ruleFiles` (relative to
 * observability/) copied in and evaluated every second.
 */
export async function startPrometheus(jobs: ScrapeJob[], ruleFiles: string[]): Promise<PrometheusServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "parley-prometheus-"));
  mkdirSync(path.join(dir, "rules"));
  const rules = ruleFiles.map((file, i) => {
    const name = `rules/${i}-${path.basename(file)}`;
    copyFileSync(path.join(observabilityDir, file), path.join(dir, name));
    return name;
  });
  writeFileSync(
    path.join(dir, "prometheus.yml"),
    stringify({
      global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
      rule_files: rules,
      scrape_configs: jobs,
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = startProcess("prometheus", [
    `--config.file=${path.join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--enable-feature=exemplar-storage",
    "--log.level=warn",
  ]);
  await waitFor(`${url}/-/ready`, server.child, server.output);
  return {
    url,
    async api<T>(apiPath: string, params: Record<string, string | string[]>) {
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(params))
        for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
      // Queries go in a POST body (they can be long); endpoints without parameters are GET only.
      const response =
        [...body].length > 0
          ? await fetch(`${url}${apiPath}`, { method: "POST", body })
          : await fetch(`${url}${apiPath}`);
      const answer = (await response.json()) as { status: string; data: T; error?: string };
      if (answer.status !== "success")
        throw new Error(answer.error ?? `${apiPath} answered ${response.status}`);
      return answer.data;
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
