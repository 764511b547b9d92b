export {
  ACCESS_TOKEN_ALGORITHM,
  createAccessTokenVerifier,
  type AccessTokenClaims,
  type AccessTokenVerifier,
  type PublicJwk,
  type VerifierOptions,
} from "./access-token-verifier";
export { bearerToken, callerOf, type Caller } from "./caller";
