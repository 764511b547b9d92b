import { type EntityManager, type Query, type ServiceDatabase, queryIn } from "@parley/database";
import { conversationQueries, conversationWrites } from "./conversation-queries";
import { messageQueries, messageWrites } from "./message-queries";

export type * from "./records";

type Reads = ReturnType<typeof conversationQueries> & ReturnType<typeof messageQueries>;
type Writes = ReturnType<typeof conversationWrites> & ReturnType<typeof messageWrites>;

/** Reads and writes inside one transaction. */
export interface MessagingTransaction extends Reads, Writes {
  /** Gives later steps (the outbox) the same transaction. */
  manager: EntityManager;
}

export interface MessagingStore extends Reads {
  inTransaction<T>(work: (tx: MessagingTransaction) => Promise<T>): Promise<T>;
}

const readsOn = (query: Query): Reads => ({ ...conversationQueries(query), ...messageQueries(query) });

/** The messaging service's tables behind plain-object functions; SQL stays in data-access/. */
export function createMessagingStore(db: ServiceDatabase): MessagingStore {
  return {
    ...readsOn(db.query),
    inTransaction: (work) =>
      db.transaction((manager) => {
        const query = queryIn(manager);
        return work({ manager, ...readsOn(query), ...conversationWrites(query), ...messageWrites(query) });
      }),
  };
}
