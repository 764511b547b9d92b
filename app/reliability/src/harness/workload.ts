import { randomUUID } from "node:crypto";
import { type Account, type TestClient, answer, createTestClient, register } from "@parley/test-support";
import { LiveReceiver } from "./receivers";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Marks every message body and password the harness uses, so logs can be searched for leaks. */
export const BODY_MARKER = "rel-secret-body";
export const PASSWORD_MARKER = "rel-secret-pw";

export interface Conversation {
  id: string;
  memberIds: string[];
}

/** One attempt of a send: the HTTP status, or `transport` when no answer came (refused, reset, timeout). */
export interface Attempt {
  at: number;
  outcome: number | "transport";
  retryAfter?: string | null;
  detail?: string;
}

/** A message the harness sent, with every attempt it took (retries reuse its Idempotency-Key). */
export interface SendRecord {
  key: string;
  body: string;
  conversation: Conversation;
  sender: Account;
  startedAt: number;
  attempts: Attempt[];
  /** Set when an attempt was answered 200 or 201. */
  acceptedAt?: number;
  messageId?: string;
  /** What broke the promise for this send (an answer other than 2xx or a retryable 503). */
  violation?: string;
}

/** Users, the conversations they share, and one live receiver per user. */
export interface Population {
  users: Account[];
  conversations: Conversation[];
  receivers: Map<string, LiveReceiver>;
}

/**
 * Registers `userCount` users and gives them two direct conversations and two groups, then opens
 * each user's live stream, spread over the gateways.
 */
export async function createPopulation(gatewayUrls: string[], userCount = 6): Promise<Population> {
  const api = createTestClient(gatewayUrls[0]!);
  const users: Account[] = [];
  for (let i = 0; i < userCount; i += 1)
    users.push(await register(api, `rel${i}`, `${PASSWORD_MARKER}-${randomUUID()}`));
  const conversations: Conversation[] = [];
  const direct = async (a: Account, b: Account) => {
    const { data, response } = await a.api.POST("/v1/conversations/direct", { body: { userId: b.id } });
    if (response.status !== 201) throw new Error(`direct conversation answered ${response.status}`);
    conversations.push({ id: data!.id, memberIds: [a.id, b.id] });
  };
  const group = async (admin: Account, members: Account[]) => {
    const { data, response } = await admin.api.POST("/v1/conversations", {
      body: { title: "reliability", memberIds: members.map((m) => m.id) },
    });
    if (response.status !== 201) throw new Error(`group answered ${response.status}`);
    conversations.push({
      id: data!.id,
      memberIds: [admin.id, ...members.map((m) => m.id)],
    });
  };
  await direct(users[0]!, users[1]!);
  await direct(users[2]!, users[3 % userCount]!);
  await group(users[0]!, users.slice(1));
  await group(
    users[1]!,
    users.filter((_, i) => i % 2 === 1 && i !== 1),
  );
  const receivers = new Map<string, LiveReceiver>();
  for (const [index, user] of users.entries()) {
    const receiver = new LiveReceiver(user, gatewayUrls, index);
    await receiver.start();
    receivers.set(user.id, receiver);
  }
  return { users, conversations, receivers };
}

export interface LoadOptions {
  gatewayUrls: string[];
  population: Population;
  /** New messages per second. */
  rate: number;
  /** Tag in every body, to find this phase's messages again. */
  tag: string;
  /** How long one message may keep being retried before the harness gives up on it. */
  retryForMs?: number;
  /** Never more sends than this, whatever the rate and duration (a safety bound). */
  maxSends?: number;
}

/** A steady stream of sends from random members to their conversations, each retried until accepted. */
export class Load {
  readonly records: SendRecord[] = [];
  private readonly apis: TestClient[];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private counter = 0;

  constructor(private readonly options: LoadOptions) {
    this.apis = options.gatewayUrls.map((url) => createTestClient(url));
  }

  start(): void {
    const intervalMs = 1000 / this.options.rate;
    const maxSends = this.options.maxSends ?? 100_000;
    this.timer = setInterval(() => {
      if (this.counter >= maxSends) return;
      const work = this.send().finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    }, intervalMs);
  }

  /** Stops starting new sends and waits until every started one was accepted or given up. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private async send(): Promise<void> {
    const { conversations } = this.options.population;
    const n = this.counter++;
    const conversation = conversations[n % conversations.length]!;
    const senderId = conversation.memberIds[Math.floor(Math.random() * conversation.memberIds.length)]!;
    const sender = this.options.population.users.find((u) => u.id === senderId)!;
    const record: SendRecord = {
      key: randomUUID(),
      body: `${BODY_MARKER} ${this.options.tag} #${n} ${randomUUID()}`,
      conversation,
      sender,
      startedAt: Date.now(),
      attempts: [],
    };
    this.records.push(record);
    await this.deliver(record, n % this.apis.length);
  }

  /** Sends one message until it is accepted, retrying 503s and lost connections with the same key. */
  async deliver(record: SendRecord, firstGateway: number): Promise<void> {
    const deadline = record.startedAt + (this.options.retryForMs ?? 120_000);
    let gateway = firstGateway;
    for (;;) {
      let waitMs = 250;
      try {
        const response = answer(
          await this.apis[gateway]!.POST("/v1/conversations/{conversationId}/messages", {
            params: {
              path: { conversationId: record.conversation.id },
              header: { "Idempotency-Key": record.key },
            },
            headers: { authorization: `Bearer ${record.sender.token}` },
            body: { body: record.body },
            signal: AbortSignal.timeout(20_000),
          }),
        );
        const retryAfter = response.headers.get("retry-after");
        const detail = (response.body as { detail?: string }).detail;
        record.attempts.push({ at: Date.now(), outcome: response.status, retryAfter, detail });
        if (response.status === 200 || response.status === 201) {
          record.acceptedAt = Date.now();
          record.messageId = (response.body as { id: string }).id;
          return;
        }
        if (response.status !== 503) {
          record.violation = `answered ${response.status}: ${detail ?? ""}`;
          return;
        }
        if (!retryAfter) record.violation ??= "answered 503 without Retry-After";
        waitMs = Math.min(1000, Math.max(100, Number(retryAfter) * 1000 || 250));
      } catch (error) {
        if (!isTransportFailure(error)) {
          record.violation = `answer broke the API contract: ${String((error as Error).message).slice(0, 300)}`;
          return;
        }
        record.attempts.push({ at: Date.now(), outcome: "transport", detail: String(error) });
        gateway = (gateway + 1) % this.apis.length;
      }
      if (Date.now() > deadline) {
        record.violation ??= `not accepted after ${record.attempts.length} attempts`;
        return;
      }
      await sleep(waitMs);
    }
  }
}

/**
 * fetch failed to connect, the connection broke, or no answer came in time. Judged by name, not
 * `instanceof`: under Jest, fetch's errors come from another realm than the test's globals.
 */
function isTransportFailure(error: unknown): boolean {
  const name = typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined;
  const message =
    typeof error === "object" && error !== null ? String((error as { message?: unknown }).message) : "";
  return (
    (name === "TypeError" && message.includes("fetch failed")) ||
    name === "TimeoutError" ||
    name === "AbortError"
  );
}
