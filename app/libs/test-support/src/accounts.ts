import { randomUUID } from "node:crypto";
import type { ApiClient } from "./api-client";

export interface Account {
  id: string;
  username: string;
  token: string;
  /** What the account was registered with, for tests that sign in again or check logs for leaks. */
  password: string;
  refreshToken: string;
}

/** Registers a new user through the gateway (with `password` when given). */
export async function register(
  api: ApiClient,
  prefix: string,
  password = "correct horse battery",
): Promise<Account> {
  const username = `${prefix}${randomUUID().slice(0, 8)}`;
  const response = await api.request("post", "/v1/auth/register", { body: { username, password } });
  if (response.status !== 201) throw new Error(`register answered ${response.status}`);
  const body = response.body as {
    user: { id: string };
    tokens: { accessToken: string; refreshToken: string };
  };
  return {
    id: body.user.id,
    username,
    token: body.tokens.accessToken,
    password,
    refreshToken: body.tokens.refreshToken,
  };
}

/** Sends a message through the gateway and returns the answer (status and message id). */
export async function sendMessage(
  api: ApiClient,
  from: Account,
  conversationId: string,
  body: string,
  key: string = randomUUID(),
  headers: Record<string, string> = {},
) {
  const response = await api.request("post", `/v1/conversations/${conversationId}/messages`, {
    token: from.token,
    body: { body },
    headers: { "idempotency-key": key, ...headers },
    template: "/v1/conversations/{conversationId}/messages",
  });
  return { status: response.status, id: (response.body as { id?: string }).id, response };
}

/** Opens (or returns) the direct conversation between two users. */
export async function directConversation(api: ApiClient, from: Account, to: Account): Promise<string> {
  const response = await api.request("post", "/v1/conversations/direct", {
    token: from.token,
    body: { userId: to.id },
  });
  if (response.status !== 200 && response.status !== 201)
    throw new Error(`direct answered ${response.status}`);
  return (response.body as { id: string }).id;
}
