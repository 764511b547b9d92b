import { type Schemas, sendMessage } from "@parley/api-client";
import { useEffect, useState } from "preact/hooks";
import { dataOf, problemText } from "./problems";
import { api } from "./session";

export type Message = Schemas["Message"];

/** A message on its way: shown at once, marked failed (with Retry) when the gateway stays unreachable. */
export interface PendingMessage {
  idempotencyKey: string;
  body: string;
  failed: boolean;
}

const PAGE_SIZE = 50;
const SEND_ATTEMPTS = 3;
const bySentAt = (a: Message, b: Message) => a.sentAt.localeCompare(b.sentAt);

/**
 * One conversation's messages as this page knows them, oldest first, each id once however often it
 * arrives (the send's answer, a notification, a catch-up after a reconnect), plus the sends still
 * on their way. Kept per conversation, so switching away and back loses no pending send.
 */
export class ConversationHistory {
  messages: Message[] = [];
  pending: PendingMessage[] = [];
  /** The cursor of the next older page: undefined before the first load, null at the beginning. */
  olderCursor: string | null | undefined = undefined;
  loadingOlder = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly conversationId: string,
    /** Told of each message this page sent, for the conversation list's last message. */
    private readonly onSent: (message: Message) => void,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed() {
    for (const listener of this.listeners) listener();
  }

  /** Adds messages; returns whether any of them was known already. */
  private merge(incoming: Message[]): boolean {
    const byId = new Map(this.messages.map((message) => [message.id, message]));
    const overlap = incoming.some((message) => byId.has(message.id));
    for (const message of incoming) byId.set(message.id, message);
    this.messages = [...byId.values()].sort(bySentAt);
    return overlap;
  }

  private page(before?: string) {
    return api
      .GET("/v1/conversations/{conversationId}/messages", {
        params: { path: { conversationId: this.conversationId }, query: { limit: PAGE_SIZE, before } },
      })
      .then(dataOf);
  }

  /**
   * Fetches the newest messages, paging back until it meets one already shown, so that a long
   * absence leaves no gap.
   */
  async loadLatest(): Promise<void> {
    const first = this.olderCursor === undefined;
    let before: string | undefined;
    for (;;) {
      const { messages, nextCursor } = await this.page(before);
      const met = this.merge(messages);
      if (first) this.olderCursor = nextCursor;
      this.changed();
      if (first || met || !nextCursor) return;
      before = nextCursor;
    }
  }

  async loadOlder(): Promise<void> {
    if (!this.olderCursor || this.loadingOlder) return;
    this.loadingOlder = true;
    this.changed();
    try {
      const { messages, nextCursor } = await this.page(this.olderCursor);
      this.merge(messages);
      this.olderCursor = nextCursor;
    } finally {
      this.loadingOlder = false;
      this.changed();
    }
  }

  /** Sends a new message; resolves with the problem in words when the gateway refused it. */
  send(body: string): Promise<string | undefined> {
    const pending = { idempotencyKey: crypto.randomUUID(), body, failed: false };
    this.pending = [...this.pending, pending];
    return this.deliver(pending);
  }

  /** Sends a failed message again with the same idempotency key: it can never arrive twice. */
  retry(idempotencyKey: string): Promise<string | undefined> {
    const pending = this.pending.find((p) => p.idempotencyKey === idempotencyKey);
    if (!pending) return Promise.resolve(undefined);
    pending.failed = false;
    return this.deliver(pending);
  }

  private async deliver(pending: PendingMessage): Promise<string | undefined> {
    this.changed();
    const settle = (outcome: { sent?: Message; failed?: boolean }) => {
      pending.failed = outcome.failed === true;
      if (!pending.failed) this.pending = this.pending.filter((p) => p !== pending);
      if (outcome.sent) this.merge([outcome.sent]);
      this.changed();
    };
    try {
      const { data, error, response } = await sendMessage(api, this.conversationId, pending.body, {
        idempotencyKey: pending.idempotencyKey,
        attempts: SEND_ATTEMPTS,
      });
      if (data) {
        settle({ sent: data });
        this.onSent(data);
        return undefined;
      }
      // Worth retrying later with the same key: the gateway or a service behind it was not there.
      if (response.status >= 500 || response.status === 429) {
        settle({ failed: true });
        return undefined;
      }
      settle({});
      return problemText(error, response.status);
    } catch {
      settle({ failed: true }); // the connection was lost on every attempt
      return undefined;
    }
  }
}

/** Re-renders the calling component whenever `history` changes. */
export function useHistory(history: ConversationHistory): void {
  const [, setVersion] = useState(0);
  useEffect(() => history.subscribe(() => setVersion((version) => version + 1)), [history]);
}
