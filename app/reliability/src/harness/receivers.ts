import { type Account, SseClient } from "@parley/test-support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One user's live notification stream, kept open whatever happens to the gateways: when a stream
 * ends or cannot be opened it reconnects (to the same gateway first, then the next one, as a load
 * balancer would) with `Last-Event-ID`, as a browser's EventSource does.
 */
export class LiveReceiver {
  readonly client: SseClient;
  /** Streams that ended under the receiver and were reopened. */
  reconnects = 0;
  /** Attempts to open a stream that were refused or failed. */
  failedConnects = 0;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  private gateway: number;

  constructor(
    readonly account: Account,
    private readonly gatewayUrls: string[],
    firstGateway: number,
  ) {
    this.gateway = firstGateway % gatewayUrls.length;
    this.client = new SseClient(this.gatewayUrl(), account.token);
  }

  /** Index of the gateway the stream is (or was last) open on. */
  get currentGateway(): number {
    return this.gateway;
  }

  private gatewayUrl() {
    return this.gatewayUrls[this.gateway]!;
  }

  /** Resolves once the first stream is open. */
  async start(): Promise<void> {
    const status = await this.client.connect(this.gatewayUrl());
    if (status !== 200) throw new Error(`stream of ${this.account.username} answered ${status}`);
    this.loop = this.keepOpen();
  }

  private async keepOpen() {
    for (;;) {
      await this.client.ended;
      if (this.stopped) return;
      this.reconnects += 1;
      let failures = 0;
      for (;;) {
        if (this.stopped) return;
        let status = 0;
        try {
          status = await this.client.connect(this.gatewayUrl());
        } catch {
          status = 0; // connection refused or reset: that gateway is down
        }
        if (status === 200) break;
        this.failedConnects += 1;
        failures += 1;
        this.gateway = (this.gateway + 1) % this.gatewayUrls.length;
        await sleep(Math.min(1000, 100 * 2 ** Math.min(failures, 4)));
      }
    }
  }

  /** How often each message id arrived as a `message_received` notification. */
  deliveries(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const notification of this.client.notifications()) {
      const messageId = notification.kind === "message_received" ? notification.detail.messageId : undefined;
      if (messageId) counts.set(messageId, (counts.get(messageId) ?? 0) + 1);
    }
    return counts;
  }

  /** Event ids (notification sequences) that arrived more than once. */
  repeatedEventIds(): string[] {
    const seen = new Set<string>();
    const repeated: string[] = [];
    for (const event of this.client.events) {
      if (!event.id) continue;
      if (seen.has(event.id)) repeated.push(event.id);
      seen.add(event.id);
    }
    return repeated;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.client.close();
    await this.loop;
  }
}
