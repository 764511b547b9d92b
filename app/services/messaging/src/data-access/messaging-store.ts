import type { EntityManager, ServiceDatabase } from "@parley/database";
import { conversationQueries, conversationWrites } from "./conversation-queries";
import { messageQueries, messageWrites } from "./message-queries";
import type { Query } from "./query";

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
    ...readsOn((sql, parameters) => db.dataSource.query(sql, parameters)),
    inTransaction: (work) =>
      db.transaction((manager) => {
        // Structured results: plain `query()` answers UPDATE/DELETE ... RETURNING with [rows, count].
        const query: Query = async (sql, parameters) =>
          (await manager.queryRunner!.query(sql, parameters, true)).records;
        return work({ manager, ...readsOn(query), ...conversationWrites(query), ...messageWrites(query) });
      }),
  };
}
