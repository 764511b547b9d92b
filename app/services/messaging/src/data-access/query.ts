/** Runs one SQL statement, in a transaction (EntityManager) or on the pool (DataSource). */
export type Query = <Row>(sql: string, parameters?: unknown[]) => Promise<Row[]>;
