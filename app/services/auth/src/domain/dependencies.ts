import type { AccessTokenVerifier } from "@parley/access-token";
import type { AuthStore } from "../data-access/auth-store";
import type { PasswordHasher } from "./password-hasher";
import type { TokenIssuer } from "./token-issuer";

/** What the auth use cases need; wired in app.ts, replaced by real parts in tests too. */
export interface AuthDependencies {
  store: AuthStore;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  verifier: AccessTokenVerifier;
  loginAttemptsPer15Min: number;
}
