import { randomBytes } from "node:crypto";
import { Client } from "pg";

/** The PostgreSQL tests use: `TEST_DATABASE_URL`, or the `test` database of the local server. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A name no other test run uses (schemas, queues), so parallel runs never share state. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

export async function dropSchemas(...schemas: string[]): Promise<void> {
  const client = new Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
