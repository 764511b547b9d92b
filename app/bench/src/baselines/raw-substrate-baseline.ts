import { randomUUID } from "node:crypto";
import { Pool } from "pg";
import { runClosedLoop } from "../open-loop";
import { summarize } from "../statistics";
import { withMessagingSchema } from "./messaging-schema";
import type { ThroughputResult } from "./postgres-baseline";

/**
 * The raw substrate: what PostgreSQL does for a send with nothing of Parley's around it. One
 * transaction writes one message row and one outbox row (BEGIN, two INSERTs, COMMIT) into the
 * messaging service's tables, with the platform's message body and `message.sent` payload, on a
 * plain `pg` pool of the service's size, from `callers` callers back to back. No membership check,
 * numbering lock or idempotency lookup: the floor the platform's send path is measured against.
 */
export async function rawSubstrateBaseline(options: {
  databaseUrl: string;
  schema: string;
  poolSize: number;
  callers: number;
  conversations: number;
  body: string;
  payload: Buffer;
  durationMs: number;
}): Promise<ThroughputResult> {
  const { schema, poolSize, body, payload } = options;
  return withMessagingSchema(options, async (db) => {
    const conversations = Array.from({ length: Math.max(1, options.conversations) }, () => ({
      id: randomUUID(),
      senderId: randomUUID(),
      seq: 0,
    }));
    for (const { id, senderId } of conversations)
      await db.query(
        `INSERT INTO conversations (id, kind, title, created_by) VALUES ($1, 'group', 'bench', $2)`,
        [id, senderId],
      );
    const pool = new Pool({
      connectionString: options.databaseUrl,
      max: poolSize,
      options: `-c search_path="${schema}"`,
    });
    try {
      const latencies: number[] = [];
      let errors = 0;
      let counter = 0;
      const started = performance.now();
      await runClosedLoop(options.callers, options.durationMs, async () => {
        const conversation = conversations[counter++ % conversations.length]!;
        const seq = ++conversation.seq;
        const begun = performance.now();
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await client.query(
            `INSERT INTO messages (id, conversation_id, seq, sender_id, body, idempotency_key, sent_at)
             VALUES ($1, $2, $3, $4, $5, $6, now())`,
            [randomUUID(), conversation.id, seq, conversation.senderId, body, randomUUID()],
          );
          await client.query(
            `INSERT INTO outbox (event_id, event_type, payload, occurred_at) VALUES ($1, 'message.sent', $2, now())`,
            [randomUUID(), payload],
          );
          await client.query("COMMIT");
          latencies.push(performance.now() - begun);
        } catch {
          errors += 1;
          await client.query("ROLLBACK").catch(() => undefined);
        } finally {
          client.release();
        }
      });
      const elapsedS = (performance.now() - started) / 1000;
      return { perSecond: latencies.length / elapsedS, latencyMs: summarize(latencies), errors };
    } finally {
      await pool.end();
    }
  });
}
