import { type PlatformUnderTest, type TestClient, answer, createTestClient } from "@parley/test-support";
import { sql } from "./platform";
import type { Conversation, Population, SendRecord } from "./workload";

/** One row of the fault table. */
export interface Figures {
  scenario: string;
  /** Messages whose send was answered 200 or 201. */
  accepted: number;
  /** (message, recipient) pairs that should have reached a live stream. */
  expectedDeliveries: number;
  /** Of those, the pairs that arrived. */
  delivered: number;
  /** Deliveries that never arrived plus accepted messages missing from the store. */
  lost: number;
  /** Deliveries that arrived twice, messages stored twice, notifications stored twice, event ids repeated. */
  duplicates: number;
  /** Sends that needed more than one attempt, and what the failed attempts got. */
  retried: number;
  refusals: { unavailable: number; noAnswer: number };
  /** From the end of the fault until all services were ready and the backlog was delivered. */
  recoverySeconds: number | undefined;
  /** Every broken promise, in words; empty when the scenario passed. */
  violations: string[];
  notes: string[];
}

/** Who should get a message: every member of its conversation but the sender. */
export const recipientsOf = (record: SendRecord) =>
  record.conversation.memberIds.filter((id) => id !== record.sender.id);

/** Recipient deliveries still missing for these sends. */
export function missingDeliveries(population: Population, records: SendRecord[]): number {
  const counts = new Map([...population.receivers].map(([id, receiver]) => [id, receiver.deliveries()]));
  let missing = 0;
  for (const record of records) {
    if (!record.messageId) continue;
    for (const recipient of recipientsOf(record))
      if (!counts.get(recipient)?.get(record.messageId)) missing += 1;
  }
  return missing;
}

/** Every message of a conversation sent since `since`, newest first, read through the API. */
async function storedMessages(
  api: TestClient,
  conversation: Conversation,
  token: string,
  since: number,
): Promise<{ id: string; body: string }[]> {
  const messages: { id: string; body: string; sentAt: string }[] = [];
  let before: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const { data: body, response } = await api.GET("/v1/conversations/{conversationId}/messages", {
      params: { path: { conversationId: conversation.id }, query: { limit: 100, before } },
      headers: { authorization: `Bearer ${token}` },
    });
    if (!body) throw new Error(`listing messages answered ${response.status}`);
    messages.push(...body.messages);
    const oldest = body.messages.at(-1);
    if (!body.nextCursor || !oldest || Date.parse(oldest.sentAt) < since) break;
    before = body.nextCursor;
  }
  return messages;
}

export interface CheckInput {
  platform: PlatformUnderTest;
  population: Population;
  records: SendRecord[];
  scenario: string;
  lostConnectionsExpected: boolean;
  recoverySeconds: number | undefined;
  /** Event ids repeated on the streams before this scenario (so only new repeats count). */
  repeatedEventIdsBefore: number;
  violations: string[];
  notes: string[];
}

/**
 * The promise, checked after recovery: every accepted message is stored once and reached each
 * recipient's stream once; no notification exists twice; every failed attempt was a retryable 503
 * with Retry-After (or, when a gateway died, a lost connection).
 */
export async function checkInvariants(input: CheckInput): Promise<Figures> {
  const { platform, population, records } = input;
  const violations = [...input.violations];
  const accepted = records.filter((r) => r.messageId);
  const api = createTestClient(platform.gatewayUrls[platform.gatewayUrls.length - 1]!);

  for (const record of records) {
    if (record.violation) violations.push(`send ${record.key}: ${record.violation}`);
    if (!input.lostConnectionsExpected && record.attempts.some((a) => a.outcome === "transport"))
      violations.push(`send ${record.key}: a request got no answer although every gateway was up`);
  }

  // Delivered once to each recipient's live stream.
  let expectedDeliveries = 0;
  let delivered = 0;
  let lost = 0;
  let duplicates = 0;
  const counts = new Map([...population.receivers].map(([id, receiver]) => [id, receiver.deliveries()]));
  for (const record of accepted) {
    for (const recipient of recipientsOf(record)) {
      expectedDeliveries += 1;
      const count = counts.get(recipient)?.get(record.messageId!) ?? 0;
      if (count === 0) lost += 1;
      else delivered += 1;
      duplicates += Math.max(0, count - 1);
    }
  }
  const repeated = [...population.receivers.values()].reduce((n, r) => n + r.repeatedEventIds().length, 0);
  duplicates += repeated - input.repeatedEventIdsBefore;

  // Stored once: each body (one per logical send) exactly once, under the id the sender was given.
  const since = Math.min(...records.map((r) => r.startedAt)) - 60_000;
  const mine = (body: string) => body.includes(` ${input.scenario} #`);
  const storedIds = new Set<string>();
  const bodies = new Map<string, number>();
  for (const conversation of population.conversations) {
    const member = population.users.find((u) => u.id === conversation.memberIds[0])!;
    for (const message of await storedMessages(api, conversation, member.token, since)) {
      if (!mine(message.body)) continue;
      storedIds.add(message.id);
      bodies.set(message.body, (bodies.get(message.body) ?? 0) + 1);
    }
  }
  for (const count of bodies.values()) duplicates += Math.max(0, count - 1);
  const missingFromStore = accepted.filter((r) => !storedIds.has(r.messageId!)).length;
  lost += missingFromStore;
  if (missingFromStore) violations.push(`${missingFromStore} accepted messages are not stored`);
  const ghosts = [...bodies.keys()].filter((body) => !accepted.some((r) => r.body === body)).length;
  if (ghosts) violations.push(`${ghosts} messages were stored although their send never succeeded`);

  // No notification stored twice (what a list, a badge or a later stream would show).
  const ids = accepted.map((r) => r.messageId!);
  const storedTwice = await sql<{ extra: string }>(
    `SELECT coalesce(sum(n - 1), 0) AS extra FROM (
       SELECT count(*) AS n FROM "${platform.schemaPrefix}notification".notifications
        WHERE kind = 'message_received' AND detail->>'messageId' = ANY($1::text[])
        GROUP BY user_id, detail->>'messageId') AS per_recipient`,
    [ids],
  );
  duplicates += Number(storedTwice[0]!.extra);

  // A retry with the same key returns the first message and stores nothing new.
  for (const record of accepted.filter((r) => r.attempts.length > 1).slice(0, 5)) {
    const again = answer(
      await api.POST("/v1/conversations/{conversationId}/messages", {
        params: {
          path: { conversationId: record.conversation.id },
          header: { "Idempotency-Key": record.key },
        },
        headers: { authorization: `Bearer ${record.sender.token}` },
        body: { body: record.body },
      }),
    );
    const id = (again.body as { id?: string }).id;
    if (again.status !== 200 || id !== record.messageId)
      violations.push(`a replay of send ${record.key} answered ${again.status} with ${id}`);
  }

  if (lost) violations.push(`${lost} deliveries or messages lost`);
  if (duplicates) violations.push(`${duplicates} duplicates`);
  const failedAttempts = records.flatMap((r) =>
    r.attempts.filter((a) => a.outcome !== 200 && a.outcome !== 201),
  );
  return {
    scenario: input.scenario,
    accepted: accepted.length,
    expectedDeliveries,
    delivered,
    lost,
    duplicates,
    retried: records.filter((r) => r.attempts.length > 1).length,
    refusals: {
      unavailable: failedAttempts.filter((a) => a.outcome === 503).length,
      noAnswer: failedAttempts.filter((a) => a.outcome === "transport").length,
    },
    recoverySeconds: input.recoverySeconds,
    violations,
    notes: input.notes,
  };
}
