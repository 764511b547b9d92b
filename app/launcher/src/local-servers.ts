import { execFile } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { generateKeyPairSync } from "node:crypto";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";

/** Resolves when a TCP connection to the URL's host and port opens, rejects with the reason otherwise. */
export function reachable(url: string, defaultPort: number, timeoutMs = 2000): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ""), port: Number(port || defaultPort) });
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error("timed out")));
    socket.once("error", fail);
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
  });
}

/** Creates the URL's database when it does not exist yet (connecting to `postgres` on the same server). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name))
    throw new Error(`DATABASE_URL: unsupported database name "${name}"`);
  url.pathname = "/postgres";
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } finally {
    await client.end();
  }
}

/** A development signing key for the auth service, created once under `folder`. */
export async function ensureDevSigningKey(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  if ((await readdir(folder)).some((file) => file.endsWith(".pem"))) return;
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  await writeFile(join(folder, "dev-1.pem"), privateKey.export({ format: "pem", type: "pkcs8" }), {
    mode: 0o600,
  });
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Makes the broker's management API answer: each service's broker user is created through it. When
 * nothing listens there and the broker runs on this machine (a stock Debian RabbitMQ has the plugin
 * off), enables the plugin with `rabbitmq-plugins` and waits for it. True when it enabled it.
 */
export async function ensureManagementApi(url: string, timeoutMs = 60_000): Promise<boolean> {
  const answers = () =>
    reachable(url, 15672).then(
      () => true,
      () => false,
    );
  if (await answers()) return false;
  if (!LOCAL_HOSTS.has(new URL(url).hostname)) throw new Error("nothing answers there");
  await promisify(execFile)("rabbitmq-plugins", ["enable", "--quiet", "rabbitmq_management"], {
    timeout: timeoutMs,
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await answers())) {
    if (Date.now() > deadline) throw new Error("the management plugin was enabled but does not answer");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return true;
}
