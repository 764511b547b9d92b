import type { Caller } from "@parley/access-token";
import type { LiveHub } from "../broker/live-hub";
import type { NotificationStore } from "../data-access/notification-store";
import type { StreamRegistry } from "./stream-registry";

/** What the notification use cases need; wired in app.ts. */
export interface NotificationDependencies {
  store: NotificationStore;
  hub: LiveHub;
  /** The subset of `userIds` that share a conversation with the caller (asks the messaging service). */
  sharedWith(caller: Caller, userIds: string[]): Promise<string[]>;
  streams: StreamRegistry;
}
