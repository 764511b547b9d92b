import { Client } from "pg";
import { scramVerifier } from "./scram-verifier";
import { connectionOf } from "./service-database";

export interface Login {
  name: string;
  password: string;
}

export interface ServiceRoles {
  /** The schema the service owns. */
  schema: string;
  /** Used by the running service: DML on the schema's tables, nothing else. */
  runtime: Login;
  /** Used only by `migrate`: owns the schema, so it may change it. */
  migrator: Login;
}

export interface AdminConnection {
  url: string;
  password?: () => Promise<string>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid role or schema name ${JSON.stringify(name)}`);
  return `"${name}"`;
}

async function connect(admin: AdminConnection): Promise<Client> {
  const client = new Client({
    ...connectionOf(admin.url, admin.password),
    application_name: "parley-provision",
  });
  await client.connect();
  return client;
}

/**
 * Creates or updates, idempotently, a service's two roles and its schema, as the database's
 * administrator (a superuser locally, the RDS master user in AWS, who is not a superuser):
 * - both roles may log in and nothing more: no superuser, no CREATEDB, no CREATEROLE;
 * - the migration role owns the schema and everything in it;
 * - the runtime role may use the schema and read and write its tables and sequences, now and in
 *   future migrations (default privileges), but not create, alter or drop anything;
 * - nobody else (PUBLIC) has any right on the schema.
 * Passwords are sent as SCRAM verifiers, never in clear text.
 */
export async function provisionServiceRoles(admin: AdminConnection, roles: ServiceRoles): Promise<void> {
  const schema = identifier(roles.schema);
  const runtime = identifier(roles.runtime.name);
  const migrator = identifier(roles.migrator.name);
  const client = await connect(admin);
  try {
    await client.query("BEGIN");
    // Role and grant changes of several services at once would collide ("tuple concurrently updated").
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('parley.provision'))`);
    for (const login of [roles.runtime, roles.migrator]) {
      const role = identifier(login.name);
      const exists = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [login.name]);
      if (exists.rowCount === 0) await client.query(`CREATE ROLE ${role}`);
      await client.query(
        `ALTER ROLE ${role} WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD ${client.escapeLiteral(scramVerifier(login.password))}`,
      );
      const { rows } = await client.query<{ rolsuper: boolean; rolcreaterole: boolean }>(
        `SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = $1`,
        [login.name],
      );
      if (rows[0]?.rolsuper || rows[0]?.rolcreaterole)
        throw new Error(`role ${login.name} is a superuser or may create roles; choose another name`);
    }
    // The administrator must be a member of the migration role to hand it the schema (on RDS the
    // master user is not a superuser).
    await client.query(`GRANT ${migrator} TO CURRENT_USER`);
    const { rows } = await client.query<{ db: string }>(`SELECT current_database() AS db`);
    await client.query(
      `GRANT CONNECT ON DATABASE ${client.escapeIdentifier(rows[0]!.db)} TO ${runtime}, ${migrator}`,
    );

    const existing = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [roles.schema]);
    if (existing.rowCount === 0) await client.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${migrator}`);
    else {
      // A schema made before roles existed (by the administrator) changes hands, with its objects.
      await client.query(`ALTER SCHEMA ${schema} OWNER TO ${migrator}`);
      const owned = await client.query<{ kind: string; name: string }>(
        `SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END AS kind, c.relname AS name
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'S') AND pg_get_userbyid(c.relowner) <> $2
            AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))`,
        [roles.schema, roles.migrator.name],
      );
      for (const { kind, name } of owned.rows)
        await client.query(`ALTER ${kind} ${schema}.${client.escapeIdentifier(name)} OWNER TO ${migrator}`);
    }
    await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
    await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${runtime}`);
    await client.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${runtime}`,
    );
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${runtime}`);
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${migrator} IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${runtime}`,
    );
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${migrator} IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO ${runtime}`,
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Drops a service's schema and both its roles (tests clean up with it). */
export async function dropServiceRoles(
  admin: AdminConnection,
  service: { schema: string; roles: string[] },
): Promise<void> {
  const client = await connect(admin);
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${identifier(service.schema)} CASCADE`);
    for (const name of service.roles) {
      const exists = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [name]);
      if (exists.rowCount === 0) continue;
      await client.query(`DROP OWNED BY ${identifier(name)} CASCADE`);
      await client.query(`DROP ROLE ${identifier(name)}`);
    }
  } finally {
    await client.end();
  }
}
