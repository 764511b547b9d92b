import type { AccessTokenVerifier } from "@parley/access-token";
import type { LiveHub } from "../data-access/live-hub";
import type { NotificationStore } from "../data-access/notification-store";

/** What the notification use cases need; wired in app.ts. */
export interface NotificationDependencies {
  store: NotificationStore;
  hub: LiveHub;
  verifier: AccessTokenVerifier;
  /** The subset of `userIds` that share a conversation with the caller (asks the messaging service). */
  sharedWith(accessToken: string, userIds: string[]): Promise<string[]>;
  heartbeatSeconds: number;
}
