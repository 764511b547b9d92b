import { randomUUID } from "node:crypto";
import { sendMessage as send, signIn } from "@parley/api-client";
import { type ApiResponse, type TestClient, answer, sibling } from "./api";

export interface Account {
  id: string;
  username: string;
  /** The access token issued at registration. */
  token: string;
  /** What the account was registered with, for tests that sign in again or check logs for leaks. */
  password: string;
  refreshToken: string;
  /** A client signed in as this account. */
  api: TestClient;
}

/** Registers a new user through the gateway (with `password` when given). */
export async function register(
  client: TestClient,
  prefix: string,
  password = "correct horse battery",
): Promise<Account> {
  const api = sibling(client);
  const username = `${prefix}${randomUUID().slice(0, 8)}`;
  const { user, tokens } = await signIn(api, "register", { username, password });
  if (!tokens.refreshToken) throw new Error("the answer holds no refresh token (a cookie session?)");
  return {
    id: user.id,
    username,
    token: tokens.accessToken,
    password,
    refreshToken: tokens.refreshToken,
    api,
  };
}

/** Sends a message as `from` (with its own idempotency key unless given) and returns the answer. */
export async function sendMessage(
  from: Account,
  conversationId: string,
  body: string,
  key: string = randomUUID(),
  headers: Record<string, string> = {},
): Promise<{ status: number; id: string | undefined; response: ApiResponse }> {
  const result = await send(from.api, conversationId, body, { idempotencyKey: key, attempts: 1, headers });
  return { status: result.response.status, id: result.data?.id, response: answer(result) };
}

/** Opens (or returns) the direct conversation between two users. */
export async function directConversation(from: Account, to: Account): Promise<string> {
  const { data, response } = await from.api.POST("/v1/conversations/direct", { body: { userId: to.id } });
  if (!data) throw new Error(`direct answered ${response.status}`);
  return data.id;
}
