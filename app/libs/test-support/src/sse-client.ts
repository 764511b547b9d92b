export interface SseEvent {
  id?: string;
  event: string;
  data: string;
  /** `performance.now()` when the event was read, for latency measurements. */
  receivedAt: number;
}

/**
 * A minimal Server-Sent Events client for tests: reads one stream, records every event, and can
 * reconnect with the last id it saw, as a browser's EventSource would.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  lastEventId: string | undefined;
  private controller: AbortController | undefined;
  private reading: Promise<void> | undefined;
  /** Resolves when the current connection ends (server closed it, or it broke). */
  ended: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** Opens the stream (resuming after `lastEventId` when set); resolves once the server answered. */
  async connect(url = this.url): Promise<number> {
    this.controller = new AbortController();
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: "text/event-stream",
    };
    if (this.lastEventId) headers["last-event-id"] = this.lastEventId;
    const response = await fetch(url, { headers, signal: this.controller.signal });
    if (response.status !== 200 || !response.body) return response.status;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    this.reading = this.read(reader);
    this.ended = this.reading.catch(() => undefined);
    return 200;
  }

  private async read(reader: ReadableStreamDefaultReader<string>) {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let boundary: number;
      while ((boundary = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event: SseEvent = { event: "message", data: "", receivedAt: performance.now() };
        let hasField = false;
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) continue;
          const [field, ...rest] = line.split(":");
          const text = rest.join(":").replace(/^ /, "");
          if (field === "id") event.id = text;
          else if (field === "event") event.event = text;
          else if (field === "data") event.data += text;
          else continue;
          hasField = true;
        }
        if (!hasField || (event.event === "message" && !event.data)) continue;
        this.events.push(event);
        if (event.id) this.lastEventId = event.id;
      }
    }
  }

  /** The notifications received so far, parsed. */
  notifications(): { sequence: number; kind: string; detail: Record<string, string> }[] {
    return this.events.filter((e) => e.event === "notification").map((e) => JSON.parse(e.data));
  }

  async waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return true;
  }

  close(): void {
    this.controller?.abort();
  }
}
