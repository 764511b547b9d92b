import type { Query, ServiceDatabase } from "@parley/database";
import type { Enqueue, OutboxTransactions } from "@parley/event-bus";
import { conversationQueries, conversationWrites } from "./conversation-queries";
import { messageQueries, messageWrites } from "./message-queries";

export type * from "./records";

type Reads = ReturnType<typeof conversationQueries> & ReturnType<typeof messageQueries>;
type Writes = ReturnType<typeof conversationWrites> & ReturnType<typeof messageWrites>;

/** Reads and writes inside one transaction. */
export interface MessagingTransaction extends Reads, Writes {
  /** Writes a domain event to the outbox; it is published once the transaction commits. */
  enqueue: Enqueue;
}

export interface MessagingStore extends Reads {
  inTransaction<T>(work: (tx: MessagingTransaction) => Promise<T>): Promise<T>;
}

const readsOn = (query: Query): Reads => ({ ...conversationQueries(query), ...messageQueries(query) });

/**
 * The messaging service's tables behind plain-object functions; SQL stays in data-access/.
 * Transactions run through the outbox, which publishes the events they enqueue once they commit.
 */
export function createMessagingStore(db: ServiceDatabase, transaction: OutboxTransactions): MessagingStore {
  return {
    ...readsOn(db.query),
    inTransaction: (work) =>
      transaction(({ query, enqueue }) =>
        work({ enqueue, ...readsOn(query), ...conversationWrites(query), ...messageWrites(query) }),
      ),
  };
}
