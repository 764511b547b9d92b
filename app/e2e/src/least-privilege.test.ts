import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectionOf, dropServiceRoles } from "@parley/database";
import { deleteBrokerUser } from "@parley/event-bus";
import { type DataService, repositoryRoot } from "@parley/launcher";
import {
  type Account,
  type PlatformUnderTest,
  createTestClient,
  directConversation,
  eventually,
  parseMetrics,
  register,
  sendMessage,
  startPlatformUnderTest,
  testAmqpUrl,
  testDatabaseUrl,
  total,
  uniqueName,
} from "@parley/test-support";
import amqp from "amqplib";
import { Client } from "pg";

const managementUrl = `http://${new URL(testAmqpUrl).hostname}:15672`;
const brokerAdmin = `Basic ${Buffer.from(`${decodeURIComponent(new URL(testAmqpUrl).username)}:${decodeURIComponent(new URL(testAmqpUrl).password)}`).toString("base64")}`;

/** What PostgreSQL answers `sql` with when run as `role` (a data service's runtime role). */
async function asRole(platform: PlatformUnderTest, service: DataService, sql: string): Promise<string> {
  const { serveEnv } = platform.credentials.services[service];
  const password = await readFile(serveEnv.DATABASE_PASSWORD_FILE, "utf8");
  const client = new Client(connectionOf(serveEnv.DATABASE_URL, async () => password));
  await client.connect();
  try {
    await client.query(sql);
    return "ok";
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end();
  }
}

describe("least privilege: each service has its own database role and broker user (real processes)", () => {
  let platform: PlatformUnderTest;
  let admin: Client;
  let ada: Account;
  let bob: Account;
  let conversation: string;
  const schema = (service: DataService) => `${platform.schemaPrefix}${service}`;

  beforeAll(async () => {
    platform = await startPlatformUnderTest();
    admin = new Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    const client = createTestClient(platform.gatewayUrl);
    [ada, bob] = [await register(client, "ada"), await register(client, "bob")];
    conversation = await directConversation(ada, bob);
    expect((await sendMessage(ada, conversation, "hello")).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await admin.end();
    await platform.teardown();
  });

  it("when the services work, then each one's database connections log in as its own role, none a superuser", async () => {
    const roles = platform.credentials.services;
    const sessions = async () =>
      (
        await admin.query<{ usename: string; application_name: string }>(
          `SELECT DISTINCT usename, application_name FROM pg_stat_activity WHERE usename = ANY($1)`,
          [Object.values(roles).map((r) => r.runtimeRole)],
        )
      ).rows;
    await eventually(async () => (await sessions()).length >= 3);
    expect(new Map((await sessions()).map((s) => [s.application_name, s.usename]))).toEqual(
      new Map([
        ["parley-auth", roles.auth.runtimeRole],
        ["parley-messaging", roles.messaging.runtimeRole],
        ["parley-notification", roles.notification.runtimeRole],
      ]),
    );
    const attributes = await admin.query(
      `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname`,
      [Object.values(roles).flatMap((r) => [r.runtimeRole, r.migratorRole])],
    );
    expect(attributes.rows).toHaveLength(6);
    for (const role of attributes.rows)
      expect(role).toMatchObject({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
  });

  it("when messaging's role reads auth's or notification's tables, then PostgreSQL says permission denied", async () => {
    expect(await asRole(platform, "messaging", `SELECT * FROM ${schema("auth")}.users`)).toMatch(
      /permission denied for schema/,
    );
    expect(
      await asRole(platform, "messaging", `SELECT * FROM ${schema("notification")}.notifications`),
    ).toMatch(/permission denied for schema/);
    expect(await asRole(platform, "messaging", `SELECT count(*) FROM ${schema("messaging")}.messages`)).toBe(
      "ok",
    );
  });

  it("when a runtime role tries DDL or role changes, then it is refused, even in its own schema", async () => {
    expect(
      await asRole(platform, "messaging", `CREATE TABLE ${schema("messaging")}.sneaky (id int)`),
    ).toMatch(/permission denied for schema/);
    expect(await asRole(platform, "messaging", `DROP TABLE ${schema("messaging")}.messages`)).toMatch(
      /must be owner/,
    );
    expect(await asRole(platform, "auth", `CREATE ROLE sneaky`)).toMatch(/permission denied to create role/);
    expect(await asRole(platform, "notification", `CREATE SCHEMA sneaky`)).toMatch(
      /permission denied for database/,
    );
  });

  it("when the services talk to the broker, then each one's connections use its own user", async () => {
    const connections = async () =>
      (
        (await (
          await fetch(`${managementUrl}/api/connections`, { headers: { authorization: brokerAdmin } })
        ).json()) as { user: string; client_properties: { connection_name?: string } }[]
      ).filter((c) => Object.values(platform.credentials.services).some((s) => s.brokerUser === c.user));
    // The management API's connection list lags the broker by a few seconds.
    await eventually(async () => new Set((await connections()).map((c) => c.user)).size === 3, 20_000, 500);
    const users = new Map((await connections()).map((c) => [c.client_properties.connection_name, c.user]));
    expect(users.get("parley-auth")).toBe(platform.credentials.services.auth.brokerUser);
    expect(users.get("parley-messaging")).toBe(platform.credentials.services.messaging.brokerUser);
    expect(users.get("parley-notification")).toBe(platform.credentials.services.notification.brokerUser);
  });

  it("when messaging's broker user declares or reads notification's queue, then the broker refuses", async () => {
    const { serveEnv } = platform.credentials.services.messaging;
    const url = new URL(serveEnv.AMQP_URL);
    url.password = encodeURIComponent(await readFile(serveEnv.AMQP_PASSWORD_FILE, "utf8"));
    const connection = await amqp.connect(url.toString());
    connection.on("error", () => undefined);
    const queue = `${platform.namespace}.notification.events`;
    const refusal = async (action: (channel: amqp.Channel) => Promise<unknown>) => {
      const channel = await connection.createChannel();
      channel.on("error", () => undefined);
      return action(channel).then(
        () => "allowed",
        (error: Error) => error.message,
      );
    };
    try {
      expect(await refusal((ch) => ch.assertQueue(queue, { durable: true }))).toMatch(/ACCESS_REFUSED/);
      expect(await refusal((ch) => ch.consume(queue, () => undefined))).toMatch(/ACCESS_REFUSED/);
      expect(await refusal((ch) => ch.assertExchange(`${platform.namespace}.live`, "direct"))).toMatch(
        /ACCESS_REFUSED/,
      );
      expect(
        await refusal((ch) => ch.assertExchange(`${platform.namespace}.events`, "topic", { durable: true })),
      ).toBe("allowed");
    } finally {
      await connection.close();
    }
  });

  it("when messaging's database password is rotated, then no request fails and new connections use the new one", async () => {
    const { runtimeRole, serveEnv } = platform.credentials.services.messaging;
    const oldPassword = await readFile(serveEnv.DATABASE_PASSWORD_FILE, "utf8");
    const messagingAdmin = platform.processes.get("messaging")![0]!.adminPort;
    const poolSize = async () =>
      total(
        parseMetrics(await (await fetch(`http://127.0.0.1:${messagingAdmin}/metrics`)).text()).samples,
        "db_client_connection_count",
      );

    const statuses: number[] = [];
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending; i += 1)
        statuses.push((await sendMessage(ada, conversation, `during ${i}`)).status);
    })();
    await eventually(() => statuses.length >= 5);
    await platform.credentials.rotateDatabasePassword("messaging");
    await eventually(() => statuses.length >= 15);
    sending = false;
    await traffic;

    // The old password no longer logs in.
    const stale = new Client(connectionOf(serveEnv.DATABASE_URL, async () => oldPassword));
    await expect(stale.connect()).rejects.toThrow(/password authentication failed/);
    await stale.end().catch(() => undefined);

    // Sessions opened before the rotation stay; once they are gone, the service opens new ones
    // with the password it reads from the file again.
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND state = 'idle'`,
      [runtimeRole],
    );
    await eventually(async () => (await poolSize()) === 0, 10_000, 100);
    for (let i = 0; i < 10; i += 1)
      statuses.push((await sendMessage(ada, conversation, `after ${i}`)).status);
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    expect(await poolSize()).toBeGreaterThan(0);
  });
});

describe("node dist/main.js provision (the migration Job's init container)", () => {
  const prefix = uniqueName("prov");
  const schema = `${prefix}_messaging`;
  const roles = { runtime: `${prefix}_messaging`, migrator: `${prefix}_messaging_migrator` };
  const namespace = prefix;
  let secrets: string;
  let admin: Client;

  const provision = (env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [join(repositoryRoot, "app", "services", "messaging", "dist", "main.js"), "provision"],
        { env: { PATH: process.env.PATH, ...env } },
      );
      let output = "";
      for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (output += chunk));
      child.once("exit", (code) => resolve({ code, output }));
    });
  const withUser = (url: string, user: string) => {
    const next = new URL(url);
    next.username = user;
    next.password = "";
    return next.toString();
  };
  const env = () => ({
    LOG_LEVEL: "info",
    DATABASE_URL: withUser(testDatabaseUrl, roles.runtime),
    DATABASE_PASSWORD_FILE: join(secrets, "runtime"),
    DATABASE_SCHEMA: schema,
    DATABASE_ADMIN_URL: testDatabaseUrl,
    DATABASE_MIGRATOR_URL: withUser(testDatabaseUrl, roles.migrator),
    DATABASE_MIGRATOR_PASSWORD_FILE: join(secrets, "migrator"),
    AMQP_URL: withUser(testAmqpUrl, roles.runtime),
    AMQP_PASSWORD_FILE: join(secrets, "rabbitmq"),
    AMQP_NAMESPACE: namespace,
    RABBITMQ_MANAGEMENT_URL: managementUrl,
    RABBITMQ_ADMIN_USER: decodeURIComponent(new URL(testAmqpUrl).username),
    RABBITMQ_ADMIN_PASSWORD_FILE: join(secrets, "rabbitmq-admin"),
  });

  beforeAll(async () => {
    secrets = await mkdtemp(join(tmpdir(), "parley-provision-"));
    for (const [file, value] of Object.entries({
      runtime: "runtime-Secret-1",
      migrator: "migrator-Secret-1",
      rabbitmq: "broker-Secret-1",
      "rabbitmq-admin": decodeURIComponent(new URL(testAmqpUrl).password),
    }))
      await writeFile(join(secrets, file), `${value}\n`, { mode: 0o600 });
    admin = new Client({ connectionString: testDatabaseUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await dropServiceRoles({ url: testDatabaseUrl }, { schema, roles: Object.values(roles) });
    await deleteBrokerUser(
      {
        url: managementUrl,
        user: decodeURIComponent(new URL(testAmqpUrl).username),
        password: decodeURIComponent(new URL(testAmqpUrl).password),
      },
      roles.runtime,
    );
    await admin.end();
  });

  it("when run twice, then it leaves the two roles, the schema and the broker user in place, and the passwords log in", async () => {
    for (let run = 0; run < 2; run += 1) {
      const { code, output } = await provision(env());
      expect([code, output]).toEqual([
        0,
        expect.stringContaining("database roles and broker user provisioned"),
      ]);
    }
    const owner = await admin.query(
      `SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1`,
      [schema],
    );
    expect(owner.rows).toEqual([{ owner: roles.migrator }]);
    for (const [role, password] of [
      [roles.runtime, "runtime-Secret-1"],
      [roles.migrator, "migrator-Secret-1"],
    ] as const) {
      const client = new Client(connectionOf(withUser(testDatabaseUrl, role), async () => password));
      await client.connect();
      expect((await client.query(`SELECT current_user AS me`)).rows).toEqual([{ me: role }]);
      await client.end();
    }
    const broker = new URL(testAmqpUrl);
    broker.username = roles.runtime;
    broker.password = "broker-Secret-1";
    const connection = await amqp.connect(broker.toString());
    await connection.close();
  });

  it("when a monitoring login is configured, then it exists with the tag monitoring, reads the management API and holds no permissions", async () => {
    const monitoring = `${prefix}_monitoring`;
    await writeFile(join(secrets, "monitoring"), "monitoring-Secret-1\n", { mode: 0o600 });
    try {
      const { code, output } = await provision({
        ...env(),
        RABBITMQ_MONITORING_USER: monitoring,
        RABBITMQ_MONITORING_PASSWORD_FILE: join(secrets, "monitoring"),
      });
      expect([code, output]).toEqual([0, expect.stringContaining(`"monitoringUser":"${monitoring}"`)]);
      const asAdmin = (path: string) =>
        fetch(`${managementUrl}${path}`, { headers: { authorization: brokerAdmin } });
      const user = (await (await asAdmin(`/api/users/${monitoring}`)).json()) as { tags: string[] };
      expect(user.tags).toEqual(["monitoring"]);
      expect(await (await asAdmin(`/api/users/${monitoring}/permissions`)).json()).toEqual([]);
      const asMonitoring = `Basic ${Buffer.from(`${monitoring}:monitoring-Secret-1`).toString("base64")}`;
      const overview = await fetch(`${managementUrl}/api/overview`, {
        headers: { authorization: asMonitoring },
      });
      expect(overview.status).toBe(200);
    } finally {
      await deleteBrokerUser(
        {
          url: managementUrl,
          user: decodeURIComponent(new URL(testAmqpUrl).username),
          password: decodeURIComponent(new URL(testAmqpUrl).password),
        },
        monitoring,
      );
    }
  });

  it("when a monitoring login has no password file, then it stops and names the missing variable", async () => {
    const { code, output } = await provision({ ...env(), RABBITMQ_MONITORING_USER: `${prefix}_monitoring` });
    expect(code).not.toBe(0);
    expect(output).toContain("RABBITMQ_MONITORING_PASSWORD_FILE");
  });

  it("when a variable is missing, then it stops with the configuration exit code and names it", async () => {
    const { RABBITMQ_MANAGEMENT_URL: _missing, ...rest } = env();
    const { code, output } = await provision(rest);
    expect(code).toBe(78);
    expect(output).toContain("RABBITMQ_MANAGEMENT_URL");
  });
});
