import { type StreamEvent, connectNotificationStream } from "@parley/api-client";
import { eventually } from "./eventually";

export interface SseEvent extends StreamEvent {
  /** `performance.now()` when the event was read, for latency measurements. */
  receivedAt: number;
}

/**
 * The notification stream for tests, through the API client's connection: records every event and
 * can reconnect with the last id it saw, as a client resuming after a drop would.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  lastEventId: string | undefined;
  private controller: AbortController | undefined;
  /** Resolves when the current connection ends (server closed it, or it broke). */
  ended: Promise<void> = Promise.resolve();

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Opens the stream (resuming after `lastEventId` when set); resolves with the status the gateway answered. */
  async connect(baseUrl = this.baseUrl): Promise<number> {
    this.controller = new AbortController();
    const connection = await connectNotificationStream({
      baseUrl,
      accessToken: this.token,
      lastEventId: this.lastEventId,
      signal: this.controller.signal,
      onEvent: (event) => {
        this.events.push({ ...event, receivedAt: performance.now() });
        if (event.id) this.lastEventId = event.id;
      },
    });
    this.ended = connection.ended;
    return connection.status;
  }

  /** The notifications received so far, parsed. */
  notifications(): { sequence: number; kind: string; detail: Record<string, string> }[] {
    return this.events.filter((e) => e.event === "notification").map((e) => JSON.parse(e.data));
  }

  waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<boolean> {
    return eventually(predicate, timeoutMs, 25);
  }

  close(): void {
    this.controller?.abort();
  }
}
