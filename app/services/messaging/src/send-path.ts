// The send path without its gRPC entry point, for measuring PostgreSQL's share in process
// (app/bench): the store, its migrations and the use case, as the service wires them.
export { createMessagingStore } from "./data-access/messaging-store";
export { messagingMigrations } from "./data-access/migrations";
export { sendMessage } from "./domain/send-message";
