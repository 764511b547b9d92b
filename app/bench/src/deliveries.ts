import type { Population } from "./population";

/** A send the benchmark made: when it was due, its message id once accepted, who should receive it. */
export interface SendRecord {
  scheduledAt: number;
  messageId?: string;
  recipientIds: string[];
}

/**
 * Live deliveries seen on the users' streams: the first arrival of each message at each user,
 * and arrivals beyond the first (duplicates). Events are taken out of the streams as they are
 * read, so memory stays flat however long the run.
 */
export class DeliveryLedger {
  private readonly firstArrival = new Map<string, Map<string, number>>();
  duplicates = 0;

  constructor(private readonly population: Population) {}

  /** Moves the streams' new events into the ledger. */
  collect(): void {
    for (const [userId, stream] of this.population.streams) {
      const events = stream.events.splice(0);
      for (const event of events) {
        if (event.event !== "notification") continue;
        const notification = JSON.parse(event.data) as { kind: string; detail: { messageId?: string } };
        const messageId =
          notification.kind === "message_received" ? notification.detail.messageId : undefined;
        if (!messageId) continue;
        const arrivals = this.firstArrival.get(messageId) ?? new Map<string, number>();
        if (arrivals.has(userId)) this.duplicates += 1;
        else arrivals.set(userId, event.receivedAt);
        this.firstArrival.set(messageId, arrivals);
      }
    }
  }

  /**
   * Send-to-live-delivery latencies of the sends' deliveries so far, how many are missing, and
   * when the last one arrived.
   */
  deliveriesOf(sends: readonly SendRecord[]): {
    latencies: number[];
    missing: number;
    expected: number;
    lastArrival: number;
  } {
    const latencies: number[] = [];
    let missing = 0;
    let expected = 0;
    let lastArrival = 0;
    for (const send of sends) {
      if (!send.messageId) continue;
      const arrivals = this.firstArrival.get(send.messageId);
      for (const recipientId of send.recipientIds) {
        expected += 1;
        const at = arrivals?.get(recipientId);
        if (at === undefined) missing += 1;
        else {
          latencies.push(at - send.scheduledAt);
          lastArrival = Math.max(lastArrival, at);
        }
      }
    }
    return { latencies, missing, expected, lastArrival };
  }
}
