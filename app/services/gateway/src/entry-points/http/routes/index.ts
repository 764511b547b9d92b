import type { AuthClient } from "../../../upstream/auth-client";
import type { SessionChecker } from "../../../upstream/session-checker";
import type { Route } from "../route";
import { authRoutes } from "./auth-routes";
import { userRoutes } from "./user-routes";

export interface RouteDeps {
  auth: AuthClient;
  sessions: SessionChecker;
  timeoutMs: number;
}

/** Every public operation, in the order the OpenAPI document lists them. */
export function apiRoutes(deps: RouteDeps): Route[] {
  return [...authRoutes(deps), ...userRoutes(deps)];
}
