import { type ClientRequest, request } from "node:http";

const NOTIFICATION = "event: notification";

/**
 * One notification stream held open on a bare `node:http` socket, as cheaply as the load
 * generator can: the gateway pays its full price per connection, the benchmark next to nothing.
 * It reads and drops everything until `arm()`, then keeps the first notification event after it.
 */
export class IdleStream {
  private call: ClientRequest | undefined;
  private armed = false;
  private tail = "";
  private pending: string | undefined;
  private event: string | undefined;
  private arrivedAt = NaN;

  /** Opens the stream; resolves with the status the gateway answered once its headers are in. */
  open(gatewayUrl: string, token: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.call = request(
        `${gatewayUrl}/v1/notifications/stream`,
        { headers: { accept: "text/event-stream", authorization: `Bearer ${token}` }, agent: false },
        (response) => {
          response.setEncoding("utf8");
          response.on("data", (text: string) => this.read(text));
          response.on("error", () => undefined);
          resolve(response.statusCode ?? 0);
        },
      );
      this.call.on("error", reject);
      this.call.end();
    });
  }

  private read(text: string): void {
    if (!this.armed || this.event !== undefined) return;
    if (this.pending === undefined) {
      // The event's first line may straddle two reads: look in the end of the last one too.
      const seen = this.tail + text;
      const at = seen.indexOf(NOTIFICATION);
      this.tail = seen.slice(-NOTIFICATION.length);
      if (at < 0) return;
      this.arrivedAt = performance.now();
      this.pending = seen.slice(at);
    } else this.pending += text;
    const end = this.pending.indexOf("\n\n");
    if (end >= 0) this.event = this.pending.slice(0, end);
  }

  /** From now on, the first notification event is kept. */
  arm(): void {
    this.armed = true;
    this.tail = "";
    this.pending = this.event = undefined;
    this.arrivedAt = NaN;
  }

  /** When the notification of `messageId` arrived (`performance.now()`), if it was the first one after `arm()`. */
  arrivalOf(messageId: string): number | undefined {
    return this.event?.includes(messageId) ? this.arrivedAt : undefined;
  }

  /**
   * Drops the connection with a reset, as a vanished client would: no TIME_WAIT is left behind,
   * so tens of thousands of streams opened and closed do not run out of loopback ports.
   */
  close(): void {
    this.call?.socket?.resetAndDestroy();
    this.call?.destroy();
  }
}
