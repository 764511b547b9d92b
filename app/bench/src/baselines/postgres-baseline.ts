import { randomUUID } from "node:crypto";
import { outboxTransactions } from "@parley/event-bus";
import { createMessagingStore, sendMessage } from "@parley/messaging/send-path";
import { messageBody } from "../message-payload";
import { runClosedLoop } from "../open-loop";
import type { Shape } from "../population";
import { type Summary, summarize } from "../statistics";
import { withMessagingSchema } from "./messaging-schema";

export interface ThroughputResult {
  perSecond: number;
  latencyMs: Summary;
  errors: number;
}

interface Conversation {
  id: string;
  memberIds: string[];
}

/** Conversations shaped like the platform run's, written through the service's store. */
async function seed(store: ReturnType<typeof createMessagingStore>, shape: Shape): Promise<Conversation[]> {
  const conversations: Conversation[] = [];
  const add = async (kind: "direct" | "group", size: number) => {
    const id = randomUUID();
    const memberIds = Array.from({ length: size }, () => randomUUID());
    await store.inTransaction(async (tx) => {
      await tx.insertConversation({
        id,
        kind,
        title: kind === "group" ? "bench" : null,
        directKey: kind === "direct" ? memberIds.join(":") : null,
        createdBy: memberIds[0]!,
      });
      await tx.insertMembers(
        id,
        memberIds.map((userId) => ({ userId, role: "member" as const })),
      );
    });
    conversations.push({ id, memberIds });
  };
  for (let i = 0; i < shape.directPairs; i += 1) await add("direct", 2);
  for (let i = 0; i < shape.groups; i += 1) await add("group", shape.groupSize);
  return conversations;
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
  const { poolSize, shape, durationMs } = options;
  // The service's own pool, migrations, store and send use case; only gRPC and the relay are left out.
  return withMessagingSchema(options, async (db) => {
    const store = createMessagingStore(db, outboxTransactions(db));
    const conversations = await seed(store, shape);
    const latencies: number[] = [];
    let errors = 0;
    let counter = 0;
    const started = performance.now();
    await runClosedLoop(poolSize, durationMs, async () => {
      const conversation = conversations[counter % conversations.length]!;
      const senderId =
        conversation.memberIds[Math.floor(counter / conversations.length) % conversation.memberIds.length]!;
      counter += 1;
      const begun = performance.now();
      try {
        const sent = await sendMessage(
          { store },
          { userId: senderId },
          { conversationId: conversation.id, body: messageBody("baseline"), idempotencyKey: randomUUID() },
        );
        if (!sent.created) throw new Error("baseline send was a repeat");
        latencies.push(performance.now() - begun);
      } catch {
        errors += 1;
      }
    });
    const elapsedS = (performance.now() - started) / 1000;
    return { perSecond: latencies.length / elapsedS, latencyMs: summarize(latencies), errors };
  });
}
