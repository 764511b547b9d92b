import { join } from "node:path";
import { ensureDatabase, ensureDevSigningKey, ensureManagementApi, reachable } from "./local-servers";
import { formatLogLine } from "./log-format";
import { repositoryRoot, startPlatform } from "./platform";

const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/parley";
const amqpUrl = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const managementUrl = process.env.RABBITMQ_MANAGEMENT_URL ?? `http://${new URL(amqpUrl).hostname}:15672`;
const gatewayPort = Number(process.env.HTTP_PORT ?? 8080);

const howToStart = {
  PostgreSQL:
    "Start it (Debian: `pg_ctlcluster --skip-systemctl-redirect 15 main start`; Docker: " +
    "`docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15`) or point DATABASE_URL at one.",
  RabbitMQ:
    "Start it (Debian: `rabbitmq-server -detached`; Docker: `docker run -d -p 5672:5672 rabbitmq:3.13`) " +
    "or point AMQP_URL at one.",
};

const howToEnableManagement =
  "Each service gets a broker user of its own, created through RabbitMQ's management plugin: " +
  "`rabbitmq-plugins enable rabbitmq_management` (Docker: the `rabbitmq:3.13-management` image), " +
  "or point RABBITMQ_MANAGEMENT_URL at it.";

function fail(message: string): never {
  console.error(`\nnpm start: ${message}\n`);
  process.exit(1);
}

async function main() {
  for (const [name, url, port] of [
    ["PostgreSQL", databaseUrl, 5432],
    ["RabbitMQ", amqpUrl, 5672],
  ] as const) {
    await reachable(url, port).catch((error: Error) => {
      const { host } = new URL(url);
      fail(`cannot reach ${name} at ${host} (${error.message}).\n${howToStart[name]}`);
    });
  }
  await ensureManagementApi(managementUrl).then(
    (enabled) => enabled && console.log("enabled RabbitMQ's management plugin (rabbitmq-plugins)"),
    (error: Error) =>
      fail(
        `cannot reach RabbitMQ's management API at ${new URL(managementUrl).host} (${error.message}).\n${howToEnableManagement}`,
      ),
  );
  if (await ensureDatabase(databaseUrl))
    console.log(`created database ${new URL(databaseUrl).pathname.slice(1)}`);
  const keysDir = join(repositoryRoot, ".local", "keys");
  await ensureDevSigningKey(keysDir);

  const color = process.stdout.isTTY === true;
  const platform = await startPlatform({
    databaseUrl,
    amqpUrl,
    managementUrl,
    keysDir,
    // Each service's own database role and broker user get new passwords at every start.
    secretsDir: join(repositoryRoot, ".local", "secrets", new URL(databaseUrl).pathname.slice(1)),
    namespace: process.env.AMQP_NAMESPACE,
    ports: gatewayPort === 0 ? "free" : "fixed",
    gatewayPort,
    onLine: (name, line) => console.log(formatLogLine(name, line, color)),
  }).catch((error: Error) => fail(`${error.message}; see its log lines above.`));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping Parley ...");
    void platform.stop().then(() => {
      console.log("all services stopped");
      process.exit(0);
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // Last resort if the launcher dies some other way: never leave services running behind.
  const all = [...platform.processes.values()].flat();
  process.on("exit", () => {
    for (const service of all) service.child.kill("SIGKILL");
  });
  for (const service of all) {
    void service.exited.then((code) => {
      if (!stopping) {
        console.error(`${service.name} exited unexpectedly (code ${code}); stopping the rest`);
        stop();
      }
    });
  }

  const url = platform.gatewayUrl;
  console.log(`
Parley is running at ${url}   (Ctrl-C stops everything)

Open ${url}/ in a browser to chat (the web client); the API reference is at ${url}/docs.

Or try the API:
  curl -s -X POST ${url}/v1/auth/register -H 'content-type: application/json' \\
    -d '{"username":"ada","password":"correct horse battery"}'
`);
}

void main();
