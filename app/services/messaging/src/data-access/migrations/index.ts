import { CreateOutbox1732600000000 } from "@parley/event-bus";
import { CreateMessagingTables1732700000000 } from "./1732700000000-create-messaging-tables";

/** Every migration of the messaging schema, oldest first. */
export const messagingMigrations = [CreateOutbox1732600000000, CreateMessagingTables1732700000000];
