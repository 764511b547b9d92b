import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { repositoryRoot } from "@parley/launcher";
import { Client, Pool, type PoolClient } from "pg";
import { messageBody, messageSentPayload } from "../message-payload";
import { runClosedLoop } from "../open-loop";
import type { Shape } from "../population";
import { type Summary, summarize } from "../statistics";

export interface ThroughputResult {
  perSecond: number;
  latencyMs: Summary;
  errors: number;
}

interface Conversation {
  id: string;
  memberIds: string[];
}

/** Creates the messaging tables in `schema` with the messaging service's own `migrate` command. */
async function migrate(databaseUrl: string, schema: string): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [join(repositoryRoot, "app/services/messaging/dist/main.js"), "migrate"],
    {
      env: {
        PATH: process.env.PATH ?? "",
        LOG_LEVEL: "warn",
        DATABASE_URL: databaseUrl,
        DATABASE_SCHEMA: schema,
        AMQP_URL: "amqp://unused",
        AUTH_GRPC_URL: "127.0.0.1:1",
      },
    },
  );
}

/** Conversations shaped like the platform run's, written straight into the tables. */
async function seed(client: Client, shape: Shape): Promise<Conversation[]> {
  const conversations: Conversation[] = [];
  const add = async (kind: "direct" | "group", size: number) => {
    const id = randomUUID();
    const memberIds = Array.from({ length: size }, () => randomUUID());
    await client.query(
      `INSERT INTO conversations (id, kind, title, direct_key, created_by) VALUES ($1, $2, $3, $4, $5)`,
      [
        id,
        kind,
        kind === "group" ? "bench" : null,
        kind === "direct" ? memberIds.join(":") : null,
        memberIds[0],
      ],
    );
    await client.query(
      `INSERT INTO conversation_members (conversation_id, user_id, role) SELECT $1, unnest($2::uuid[]), 'member'`,
      [id, memberIds],
    );
    conversations.push({ id, memberIds });
  };
  for (let i = 0; i < shape.directPairs; i += 1) await add("direct", 2);
  for (let i = 0; i < shape.groups; i += 1) await add("group", shape.groupSize);
  return conversations;
}

/**
 * The statements of one send, as app/services/messaging/src/domain/send-message.ts runs them:
 * lock the conversation row through the membership check, look up the idempotency key, take the
 * next number, insert the message, read the recipients, insert the outbox row. Keep the two in step.
 */
async function sendTransaction(
  client: PoolClient,
  conversation: Conversation,
  senderId: string,
  payload: Buffer,
) {
  const key = randomUUID();
  await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
  try {
    await client.query(
      `SELECT c.kind, m.role FROM conversations c JOIN conversation_members m
          ON m.conversation_id = c.id AND m.user_id = $2 WHERE c.id = $1 FOR UPDATE OF c`,
      [conversation.id, senderId],
    );
    await client.query(`SELECT id FROM messages WHERE sender_id = $1 AND idempotency_key = $2`, [
      senderId,
      key,
    ]);
    const { rows } = await client.query<{ seq: string; sent_at: Date }>(
      `UPDATE conversations SET last_seq = last_seq + 1, last_message_at = clock_timestamp()
        WHERE id = $1 RETURNING last_seq::text AS seq, last_message_at AS sent_at`,
      [conversation.id],
    );
    await client.query(
      `INSERT INTO messages (id, conversation_id, seq, sender_id, body, idempotency_key, sent_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sender_id, idempotency_key) DO NOTHING RETURNING id`,
      [randomUUID(), conversation.id, rows[0]!.seq, senderId, messageBody("baseline"), key, rows[0]!.sent_at],
    );
    await client.query(
      `SELECT user_id FROM conversation_members WHERE conversation_id = $1 ORDER BY join_order`,
      [conversation.id],
    );
    await client.query(
      `INSERT INTO outbox (event_id, event_type, payload, trace_headers, occurred_at) VALUES ($1, $2, $3, $4, $5)`,
      [randomUUID(), "message.sent", payload, {}, rows[0]!.sent_at],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * PostgreSQL alone: the messaging service's send transaction through `pg`, with the service's
 * pool size and as many callers as connections, as fast as it goes, in a schema of its own.
 */
export async function postgresBaseline(options: {
  databaseUrl: string;
  schema: string;
  poolSize: number;
  shape: Shape;
  durationMs: number;
}): Promise<ThroughputResult> {
  const { databaseUrl, schema, poolSize, shape, durationMs } = options;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  const pool = new Pool({
    connectionString: databaseUrl,
    max: poolSize,
    options: `-c search_path=${schema}`,
  });
  try {
    await migrate(databaseUrl, schema);
    await admin.query(`SET search_path TO "${schema}"`);
    const conversations = await seed(admin, shape);
    const latencies: number[] = [];
    let errors = 0;
    let counter = 0;
    const started = performance.now();
    await runClosedLoop(poolSize, durationMs, async () => {
      const conversation = conversations[counter % conversations.length]!;
      const senderId =
        conversation.memberIds[Math.floor(counter / conversations.length) % conversation.memberIds.length]!;
      counter += 1;
      const payload = messageSentPayload(messageBody("baseline"), conversation.memberIds.length - 1);
      const client = await pool.connect();
      const begun = performance.now();
      try {
        await sendTransaction(client, conversation, senderId, payload);
        latencies.push(performance.now() - begun);
      } catch {
        errors += 1;
      } finally {
        client.release();
      }
    });
    const elapsedS = (performance.now() - started) / 1000;
    return { perSecond: latencies.length / elapsedS, latencyMs: summarize(latencies), errors };
  } finally {
    await pool.end();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}
