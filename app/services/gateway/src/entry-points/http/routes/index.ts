import type { Logger } from "@parley/logger";
import type { AuthClient, MessagingClient, NotificationClient } from "@parley/service-clients";
import type { SessionChecker } from "../../../upstream/session-checker";
import type { Route } from "../route";
import { authRoutes } from "./auth-routes";
import { conversationRoutes } from "./conversation-routes";
import { notificationRoutes } from "./notification-routes";
import { userRoutes } from "./user-routes";

export interface RouteDeps {
  auth: AuthClient;
  messaging: MessagingClient;
  notification: NotificationClient;
  sessions: SessionChecker;
  timeoutMs: number;
  checkAuthHealth(): Promise<void>;
  heartbeatSeconds: number;
  logger: Logger;
}

/** Every public operation, in the order the OpenAPI document lists them. */
export function apiRoutes(deps: RouteDeps): Route[] {
  return [...authRoutes(deps), ...userRoutes(deps), ...conversationRoutes(deps), ...notificationRoutes(deps)];
}
