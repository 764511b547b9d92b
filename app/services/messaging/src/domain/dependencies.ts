import type { MessagingStore } from "../data-access/messaging-store";
import type { UserDirectory } from "./user-directory";

/** What the messaging use cases need; wired in app.ts. */
export interface MessagingDependencies {
  store: MessagingStore;
  users: UserDirectory;
}
