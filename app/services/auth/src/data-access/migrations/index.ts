import { CreateOutbox1732600000000 } from "@parley/event-bus";
import { CreateAuthTables1732500000000 } from "./1732500000000-create-auth-tables";

/** Every migration of the auth schema, oldest first. */
export const authMigrations = [CreateAuthTables1732500000000, CreateOutbox1732600000000];
