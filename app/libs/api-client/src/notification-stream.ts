import { backoffDelay } from "@parley/backoff";
import { type EventSourceMessage, createParser } from "eventsource-parser";
import type { Schemas, Session } from "./client";

export interface StreamEvent {
  id?: string;
  event: string;
  data: string;
}

export interface StreamConnection {
  /** 200 once the stream is open; otherwise the status the gateway answered, and nothing follows. */
  status: number;
  /** Resolves when the connection ends, whoever ended it. */
  ended: Promise<void>;
}

export interface ConnectOptions {
  baseUrl: string;
  accessToken: string;
  /** The id of the last event received: the gateway resumes right after it. */
  lastEventId?: string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  onEvent(event: StreamEvent): void;
}

/**
 * One connection to the notification stream (Server-Sent Events over fetch, parsed by
 * eventsource-parser): a browser's EventSource cannot send an Authorization header.
 */
export async function connectNotificationStream(options: ConnectOptions): Promise<StreamConnection> {
  const headers: Record<string, string> = {
    accept: "text/event-stream",
    authorization: `Bearer ${options.accessToken}`,
  };
  if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
  const response = await (options.fetch ?? globalThis.fetch)(`${options.baseUrl}/v1/notifications/stream`, {
    headers,
    signal: options.signal,
  });
  if (response.status !== 200 || !response.body) {
    await response.body?.cancel();
    return { status: response.status, ended: Promise.resolve() };
  }
  const parser = createParser({
    onEvent: (message: EventSourceMessage) =>
      options.onEvent({ id: message.id, event: message.event ?? "message", data: message.data }),
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  })().catch(() => undefined);
  return { status: 200, ended };
}

export type NotificationStreamState = "connecting" | "open" | "reconnecting" | "closed";

export interface NotificationStreamOptions {
  baseUrl: string;
  session: Session;
  fetch?: typeof fetch;
  onNotification(notification: Schemas["Notification"]): void;
  onState?(state: NotificationStreamState): void;
  /** Milliseconds before the first reconnect; doubled each time up to 30 s, with full jitter (1000 by default). */
  backoffMs?: number;
}

/**
 * The notification stream kept open: after a dropped connection or a gateway restart it reconnects
 * with Last-Event-ID, so every notification arrives exactly once and in order; after a 401 it
 * refreshes the session first. `close()` stops it.
 */
export class NotificationStream {
  lastEventId: string | undefined;
  private readonly controller = new AbortController();
  private state: NotificationStreamState = "connecting";

  constructor(private readonly options: NotificationStreamOptions) {}

  /** Runs until `close()` or until the session is over. */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.controller.signal.aborted) {
      const tokens = this.options.session.tokens;
      if (!tokens) break;
      const connection = await connectNotificationStream({
        baseUrl: this.options.baseUrl,
        accessToken: tokens.accessToken,
        lastEventId: this.lastEventId,
        signal: this.controller.signal,
        fetch: this.options.fetch,
        onEvent: (event) => {
          if (event.event !== "notification") return;
          this.lastEventId = event.id;
          this.options.onNotification(JSON.parse(event.data) as Schemas["Notification"]);
        },
      }).catch(() => undefined);
      if (connection?.status === 200) {
        failures = 0;
        this.setState("open");
        await connection.ended;
      } else if (connection?.status === 401 && !(await this.options.session.refresh())) {
        break;
      } else {
        failures += 1;
      }
      if (this.controller.signal.aborted) break;
      this.setState("reconnecting");
      const delay =
        failures === 0
          ? 0
          : backoffDelay(failures, { baseMs: this.options.backoffMs ?? 1000, maxMs: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    this.setState("closed");
  }

  close() {
    this.controller.abort();
  }

  private setState(state: NotificationStreamState) {
    if (state === this.state) return;
    this.state = state;
    this.options.onState?.(state);
  }
}
