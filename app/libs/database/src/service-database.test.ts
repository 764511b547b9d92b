import { createLogger } from "@parley/logger";
import { dropSchemas, testDatabaseUrl, uniqueName } from "@parley/test-support";
import type { MigrationInterface, QueryRunner } from "typeorm";
import { openDatabase, type ServiceDatabase } from "./service-database";

class CreateThings1700000000000 implements MigrationInterface {
  name = "CreateThings1700000000000";
  async up(runner: QueryRunner) {
    await runner.query(`CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL)`);
  }
  async down(runner: QueryRunner) {
    await runner.query(`DROP TABLE things`);
  }
}

const logger = createLogger({ service: "test", level: "silent" });

describe("service database (real PostgreSQL)", () => {
  const schema = uniqueName("dbtest");
  const open = () =>
    openDatabase({
      url: testDatabaseUrl,
      schema,
      poolSize: 2,
      migrations: [CreateThings1700000000000],
      applicationName: "database-test",
      logger,
    });
  let first: ServiceDatabase;
  let second: ServiceDatabase;

  beforeAll(async () => {
    [first, second] = await Promise.all([open(), open()]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await dropSchemas(schema);
  });

  it("when two processes migrate at once, then each migration is applied exactly once", async () => {
    const [a, b] = await Promise.all([first.migrate(), second.migrate()]);
    expect([...a, ...b]).toEqual(["CreateThings1700000000000"]);
    expect(await first.migrate()).toEqual([]);
  });

  it("when SQL names a table bare, then it is the one in the service's schema", async () => {
    await first.query(`INSERT INTO things (id, name) VALUES (1, 'one')`);
    const rows = await first.query<{ table_schema: string }>(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'things' AND table_schema = $1`,
      [schema],
    );
    expect(rows).toEqual([{ table_schema: schema }]);
  });

  it("when a transaction throws, then nothing it wrote stays", async () => {
    await expect(
      first.transaction(async (query) => {
        await query(`INSERT INTO things (id, name) VALUES (2, 'two')`);
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    const rows = await first.query(`SELECT id FROM things WHERE id = 2`);
    expect(rows).toEqual([]);
  });

  it("when the schema name is not an identifier, then opening refuses it", async () => {
    await expect(
      openDatabase({
        url: testDatabaseUrl,
        schema: "x; DROP",
        poolSize: 1,
        migrations: [],
        applicationName: "t",
        logger,
      }),
    ).rejects.toThrow("invalid schema name");
  });

  it("when an UPDATE ... RETURNING runs, then its rows come back, on the pool and in a transaction", async () => {
    await first.query(`INSERT INTO things (id, name) VALUES (10, 'ten'), (11, 'eleven')`);
    const onPool = await first.query<{ id: number }>(
      `UPDATE things SET name = name || '!' WHERE id >= 10 RETURNING id`,
    );
    expect(onPool.map((row) => row.id).sort()).toEqual([10, 11]);
    const inTransaction = await first.transaction((query) =>
      query<{ id: number }>(`DELETE FROM things WHERE id = 10 RETURNING id`),
    );
    expect(inTransaction).toEqual([{ id: 10 }]);
  });

  it("when a transaction runs, then it is READ COMMITTED, set per connection rather than per transaction", async () => {
    const rows = await first.transaction((query) =>
      query<{ level: string; source: string }>(
        `SELECT current_setting('transaction_isolation') AS level, source
           FROM pg_settings WHERE name = 'default_transaction_isolation'`,
      ),
    );
    expect(rows).toEqual([{ level: "read committed", source: "client" }]);
  });

  it("when the connection is lost between a transaction's statements, then the transaction fails and the process carries on", async () => {
    const admin = await openDatabase({
      url: testDatabaseUrl,
      schema,
      poolSize: 1,
      migrations: [],
      applicationName: "database-test-admin",
      logger,
    });
    try {
      const outcome = first.transaction(async (query) => {
        const pid = (await query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`))[0]!.pid;
        // As the relay awaits the broker: no statement running when the server drops the session.
        await admin.query(`SELECT pg_terminate_backend($1)`, [pid]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await query(`SELECT 1`);
      });
      await expect(outcome).rejects.toThrow();
      await expect(first.query(`SELECT 1 AS one`)).resolves.toEqual([{ one: 1 }]);
    } finally {
      await admin.close();
    }
  });

  it("when pinged, then a live database answers", async () => {
    await expect(first.ping()).resolves.toBeUndefined();
  });
});
