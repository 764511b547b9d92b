import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { repositoryRoot } from "@parley/launcher";
import type { EntityManager, Query } from "@parley/database";
import { enqueueEvent } from "@parley/event-bus";
import { conversationWrites } from "@parley/messaging/dist/data-access/conversation-queries";
import { messageWrites } from "@parley/messaging/dist/data-access/message-queries";
import { preview } from "@parley/messaging/dist/domain/rules";
import { Client, type ClientBase, Pool, type PoolClient } from "pg";
import { messageBody } from "../message-payload";
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

/** A `pg` client as the Query function the messaging service's data-access functions take. */
const queryOn =
  (client: ClientBase): Query =>
  async <Row>(sql: string, parameters?: unknown[]) =>
    (await client.query(sql, parameters)).rows as Row[];

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

/** Conversations shaped like the platform run's, written with the service's own statements. */
async function seed(client: ClientBase, shape: Shape): Promise<Conversation[]> {
  const writes = conversationWrites(queryOn(client));
  const conversations: Conversation[] = [];
  const add = async (kind: "direct" | "group", size: number) => {
    const id = randomUUID();
    const memberIds = Array.from({ length: size }, () => randomUUID());
    await writes.insertConversation({
      id,
      kind,
      title: kind === "group" ? "bench" : null,
      directKey: kind === "direct" ? memberIds.join(":") : null,
      createdBy: memberIds[0]!,
    });
    await writes.insertMembers(
      id,
      memberIds.map((userId) => ({ userId, role: "member" as const })),
    );
    conversations.push({ id, memberIds });
  };
  for (let i = 0; i < shape.directPairs; i += 1) await add("direct", 2);
  for (let i = 0; i < shape.groups; i += 1) await add("group", shape.groupSize);
  return conversations;
}

/**
 * One send as app/services/messaging/src/domain/send-message.ts makes it, with the service's own
 * statements: lock the conversation through the membership check; check the idempotency key,
 * number and insert the message and read the members in one statement; enqueue the outbox row.
 */
async function sendTransaction(client: PoolClient, conversation: Conversation, senderId: string) {
  const query = queryOn(client);
  await client.query("BEGIN");
  try {
    await conversationWrites(query).lockMembership(conversation.id, senderId);
    const body = messageBody("baseline");
    const appended = await messageWrites(query).appendMessage({
      id: randomUUID(),
      conversationId: conversation.id,
      senderId,
      body,
      idempotencyKey: randomUUID(),
    });
    if (appended.kind !== "appended") throw new Error(`baseline send was ${appended.kind}`);
    // enqueueEvent only needs `query` of the transaction it writes in.
    const manager = { query } as unknown as EntityManager;
    await enqueueEvent(
      manager,
      "message.sent",
      {
        messageId: appended.message.id,
        conversationId: conversation.id,
        senderId,
        recipientIds: appended.memberIds.filter((id) => id !== senderId),
        preview: preview(body),
        sentAt: appended.message.sentAt,
      },
      appended.message.sentAt,
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
  // The service's connection settings (@parley/database): its schema, READ COMMITTED by default.
  const pool = new Pool({
    connectionString: databaseUrl,
    max: poolSize,
    options: `-c search_path=${schema} -c default_transaction_isolation=read\\ committed`,
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
      const client = await pool.connect();
      const begun = performance.now();
      try {
        await sendTransaction(client, conversation, senderId);
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
