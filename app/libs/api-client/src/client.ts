import { backoffDelay } from "@parley/backoff";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./gen/schema";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type ApiClient = Client<paths> & { session: Session };

export interface Tokens {
  accessToken: string;
  /** Absent in a browser session, whose refresh token is in an HttpOnly cookie. */
  refreshToken?: string;
}

/** The header that asks the gateway to keep the refresh token in its HttpOnly cookie. */
const COOKIE_SESSION = { "Parley-Session": "cookie" } as const;

/**
 * The signed-in session's tokens, in memory only. A process signs in again after a restart (or
 * keeps the refresh token somewhere of its choosing and calls `set`); a browser session
 * (`cookie`) leaves the refresh token to the gateway's HttpOnly cookie, so a reloaded page resumes
 * with `resumeSession` and page scripts never hold a token that outlives the page.
 */
export class Session {
  tokens: Tokens | undefined;
  private refreshing: Promise<boolean> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch,
    /** Called once the session is over: its refresh token was refused. */
    private readonly onSignedOut: () => void = () => {},
    /** The refresh token travels in the gateway's cookie (browsers). */
    readonly cookie = false,
  ) {}

  set(tokens: Tokens | undefined) {
    this.tokens = tokens && { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  }

  /**
   * Exchanges the refresh token for a new pair; concurrent callers share one exchange, since a
   * refresh token works once. Resolves with whether the session goes on.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.exchange().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async exchange(): Promise<boolean> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken && !this.cookie) return false;
    const response = await this.fetchImpl(`${this.baseUrl}/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.cookie ? COOKIE_SESSION : {}) },
      body: JSON.stringify(this.cookie ? {} : { refreshToken }),
    });
    if (response.status === 200) {
      this.set((await response.json()) as Tokens);
      return true;
    }
    await response.body?.cancel();
    // A 5xx or 429 leaves the session as it is: the refresh token may still be good.
    if (response.status === 401) {
      const wasSignedIn = this.tokens !== undefined;
      this.set(undefined);
      if (wasSignedIn) this.onSignedOut();
    }
    return false;
  }
}

export interface ApiClientOptions {
  /** The gateway, for example `http://localhost:8080` (or `""` in a page it serves). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Called when the session ended because its refresh token was refused. */
  onSignedOut?(): void;
  /**
   * Keep the refresh token in the gateway's HttpOnly cookie instead of memory: for pages the
   * gateway serves (same origin), which then survive a reload with `resumeSession`.
   */
  sessionCookie?: boolean;
  /** More middleware, after the client's own (tests check every answer against the document). */
  middleware?: Middleware[];
}

const isAuthOperation = (url: string) => new URL(url).pathname.startsWith("/v1/auth/");

/**
 * Sends the session's access token with every request, and on a 401 refreshes the session once and
 * sends the request again. Requests that set their own Authorization header are left alone.
 */
function authentication(session: Session, fetchImpl: typeof fetch): Middleware {
  const retries = new Map<string, Request>();
  return {
    onRequest({ request, id }) {
      if (request.headers.has("authorization") || !session.tokens) return undefined;
      request.headers.set("authorization", `Bearer ${session.tokens.accessToken}`);
      if (!isAuthOperation(request.url)) retries.set(id, request.clone());
      return request;
    },
    async onResponse({ response, id }) {
      const retry = retries.get(id);
      retries.delete(id);
      if (response.status !== 401 || !retry || !(await session.refresh())) return undefined;
      await response.body?.cancel();
      retry.headers.set("authorization", `Bearer ${session.tokens!.accessToken}`);
      return fetchImpl(retry);
    },
    onError({ id }) {
      retries.delete(id);
    },
  };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const session = new Session(options.baseUrl, fetchImpl, options.onSignedOut, options.sessionCookie);
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });
  client.use(authentication(session, fetchImpl), ...(options.middleware ?? []));
  return Object.assign(client, { session });
}

/** An answer that is not the one asked for, with its problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem ? `${status} ${problem.title}: ${problem.detail}` : `HTTP ${status}`);
    this.name = "ApiError";
  }
}

/** Registers or signs in, and keeps the new session's tokens in the client. */
export async function signIn(
  client: ApiClient,
  how: "register" | "login",
  credentials: Schemas["Credentials"],
): Promise<Schemas["Session"]> {
  const params = { header: client.session.cookie ? COOKIE_SESSION : {} };
  const { data, error, response } =
    how === "register"
      ? await client.POST("/v1/auth/register", { params, body: credentials })
      : await client.POST("/v1/auth/login", { params, body: credentials });
  if (!data) throw new ApiError(response.status, error as Problem | undefined);
  client.session.set(data.tokens);
  return data;
}

/**
 * A browser session after a page load: exchanges the gateway's cookie for an access token.
 * Resolves with whether the user is signed in again.
 */
export function resumeSession(client: ApiClient): Promise<boolean> {
  return client.session.refresh();
}

/** Ends the session on the server (and its cookie, in a browser session) and forgets its tokens. */
export async function signOut(client: ApiClient): Promise<void> {
  if (client.session.tokens)
    await client.POST("/v1/auth/logout", { params: { header: client.session.cookie ? COOKIE_SESSION : {} } });
  client.session.set(undefined);
}

export interface SendOptions {
  /** The message's idempotency key; a new one by default. Pass the same one to retry a send later. */
  idempotencyKey?: string;
  /** Sends in all, counting retries after a 503 or a lost connection (3 by default). */
  attempts?: number;
  /** Milliseconds before the first retry; doubled each time up to 30 s, with full jitter (500 by default). */
  backoffMs?: number;
  /** More request headers (a test's, a proxy's). */
  headers?: Record<string, string>;
}

/**
 * Sends a message with an idempotency key and retries it, with the same key, when the gateway
 * answers 503 or the connection is lost: the message is stored and delivered once however often it
 * is sent. A lost connection on the last attempt rejects; every other outcome resolves.
 */
export async function sendMessage(
  client: ApiClient,
  conversationId: string,
  body: string,
  options: SendOptions = {},
) {
  const idempotencyKey = options.idempotencyKey ?? globalThis.crypto.randomUUID();
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await client.POST("/v1/conversations/{conversationId}/messages", {
        params: { path: { conversationId }, header: { "Idempotency-Key": idempotencyKey } },
        headers: options.headers,
        body: { body },
      });
      if (result.response.status !== 503 || attempt >= attempts) return { ...result, idempotencyKey };
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    const delay = backoffDelay(attempt - 1, { baseMs: options.backoffMs ?? 500, maxMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
