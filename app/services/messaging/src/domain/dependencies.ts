import type { AccessTokenVerifier } from "@parley/access-token";
import type { MessagingStore } from "../data-access/messaging-store";
import type { UserDirectory } from "./user-directory";

/** What the messaging use cases need; wired in app.ts. */
export interface MessagingDependencies {
  store: MessagingStore;
  /** Checks access tokens locally against the auth service's published keys. */
  verifier: AccessTokenVerifier;
  users: UserDirectory;
  /** The outbox relay: told to publish right after a transaction that enqueued events commits. */
  events: { wake(): void };
}
