import type { Client } from "pg";
import { messageBody } from "../message-payload";
import { createPopulation } from "../population";
import { type Summary, summarize } from "../statistics";

export interface HistorySettings {
  messages: number;
  /** Messages per page (the API allows 1 to 100). */
  pageSize: number;
  /** The pages counted as the start and as the end of the history. */
  edgePages: number;
}

export interface HistoryCurve {
  messages: number;
  pageSize: number;
  pages: number;
  seedSeconds: number;
  /** Page latency over the first and the last `edgePages` pages, ms. */
  startMs: Summary;
  endMs: Summary;
  /** Page latency by how deep into the history the page starts (messages newer than it), in tenths. */
  byDepth: { depth: number; p50: number; p99: number }[];
}

const DEPTH_BUCKETS = 10;

/**
 * Paging back through a long conversation: one direct conversation made through the API, its
 * history written straight into the platform's messaging schema in one INSERT … SELECT
 * generate_series (numbered as sends number them), then read newest first through the gateway
 * with the typed client, a page at a time, as a client scrolling back would.
 */
export async function historyCurve(options: {
  gatewayUrl: string;
  /** An administrator's connection to the platform's database. */
  database: Client;
  messagingSchema: string;
  settings: HistorySettings;
  print: (text: string) => void;
}): Promise<HistoryCurve> {
  const { settings, database } = options;
  const schema = `"${options.messagingSchema}"`;
  const population = await createPopulation(options.gatewayUrl, { directPairs: 1, groups: 0, groupSize: 2 });
  try {
    const { id: conversationId, members } = population.conversations[0]!;
    const [reader, writer] = members as [(typeof members)[0], (typeof members)[0]];
    options.print(`history: writing ${settings.messages} messages into one conversation`);
    const seeding = performance.now();
    // One statement, so the history and the conversation's number move together.
    await database.query(
      `WITH written AS (
         INSERT INTO ${schema}.messages (id, conversation_id, seq, sender_id, body, idempotency_key, sent_at)
         SELECT gen_random_uuid(), $1, n, CASE WHEN n % 2 = 0 THEN $2::uuid ELSE $3::uuid END, $4,
                'bench-history-' || n, now() - make_interval(secs => $5::int - n)
           FROM generate_series(1, $5::int) AS n
       )
       UPDATE ${schema}.conversations SET last_seq = $5::int, last_message_at = now() WHERE id = $1`,
      [conversationId, reader.id, writer.id, messageBody("history"), settings.messages],
    );
    await database.query(`ANALYZE ${schema}.messages`);
    const seedSeconds = (performance.now() - seeding) / 1000;

    options.print(`history: paging back through it, ${settings.pageSize} messages a page`);
    const page = (before: string | undefined) =>
      reader.api.GET("/v1/conversations/{conversationId}/messages", {
        params: { path: { conversationId }, query: { limit: settings.pageSize, before } },
      });
    await page(undefined); // connection and caches warm, as for a client that has the conversation open
    const latencies: number[] = [];
    let messages = 0;
    for (let before: string | undefined, more = true; more;) {
      const begun = performance.now();
      const { data, response } = await page(before);
      if (!data) throw new Error(`a page of history answered ${response.status}`);
      latencies.push(performance.now() - begun);
      messages += data.messages.length;
      before = data.nextCursor ?? undefined;
      more = before !== undefined;
    }
    if (messages !== settings.messages)
      throw new Error(`paging returned ${messages} messages of the ${settings.messages} written`);
    const bucket = Math.ceil(latencies.length / DEPTH_BUCKETS);
    const byDepth = Array.from({ length: Math.ceil(latencies.length / bucket) }, (_, index) => {
      const slice = summarize(latencies.slice(index * bucket, (index + 1) * bucket));
      return { depth: index * bucket * settings.pageSize, p50: slice.p50, p99: slice.p99 };
    });
    return {
      messages: settings.messages,
      pageSize: settings.pageSize,
      pages: latencies.length,
      seedSeconds,
      startMs: summarize(latencies.slice(0, settings.edgePages)),
      endMs: summarize(latencies.slice(-settings.edgePages)),
      byDepth,
    };
  } finally {
    population.close();
  }
}
