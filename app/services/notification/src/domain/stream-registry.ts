import { setImmediate } from "node:timers/promises";
import type { NotificationStore } from "../data-access/notification-store";

/** Streams per round of heartbeat statements: bounds the id arrays each statement takes. */
const CHUNK = 5000;
/** Heartbeat messages sent between two turns of the event loop. */
const SEND_SLICE = 250;

/** An open stream, as the heartbeat sees it. */
export interface OpenStream {
  readonly id: string;
  readonly userId: string;
  /**
   * Sends the heartbeat message, then catches up from the database if `committed` (the user's
   * last committed sequence) is ahead of what the stream has sent.
   */
  heartbeat(committed: number): void;
  /** Ends the stream with an error of the heartbeat. */
  fail(error: unknown): void;
}

/**
 * The streams this process holds, and their one heartbeat: every `heartbeatSeconds` it renews
 * their leases (three heartbeats long, so that the streams of a process that dies expire) and
 * their users' presence, and reads their users' committed cursors, a few statements per 5 000
 * streams. Only a stream behind its user's cursor (a live message lost between replicas) reads
 * its notifications: the cursor moves in the transaction that inserts them, so a committed cursor
 * implies committed notifications.
 */
export interface StreamRegistry {
  /** Records the stream's lease and its user's presence, renewed by the heartbeat until `close`. */
  open(stream: OpenStream): Promise<void>;
  close(stream: OpenStream): Promise<void>;
  /** One heartbeat of every open stream (what the timer runs). */
  beat(): Promise<void>;
}

export function createStreamRegistry(store: NotificationStore, heartbeatSeconds: number): StreamRegistry {
  const leaseSeconds = heartbeatSeconds * 3;
  const open = new Set<OpenStream>();
  let timer: NodeJS.Timeout | undefined;
  let beating = false;

  async function beat() {
    const streams = [...open];
    for (let start = 0; start < streams.length; start += CHUNK) {
      const chunk = streams.slice(start, start + CHUNK);
      const ids = chunk.map((stream) => stream.id);
      const userIds = [...new Set(chunk.map((stream) => stream.userId))];
      let committed: Map<string, number>;
      try {
        await store.renewStreams(ids, userIds, leaseSeconds);
        committed = await store.lastSequences(userIds);
      } catch (error) {
        for (const stream of chunk) stream.fail(error);
        continue;
      }
      for (const [index, stream] of chunk.entries()) {
        // A few hundred heartbeats at a time: 5 000 at once held up live deliveries for ~60 ms.
        if (index > 0 && index % SEND_SLICE === 0) await setImmediate();
        stream.heartbeat(committed.get(stream.userId) ?? 0);
      }
    }
  }

  // A heartbeat still running when the next is due (a slow database) lets that one pass.
  const tick = () => {
    if (beating) return;
    beating = true;
    void beat().finally(() => (beating = false));
  };

  return {
    async open(stream) {
      await store.openStream(stream.id, stream.userId, leaseSeconds);
      open.add(stream);
      timer ??= setInterval(tick, heartbeatSeconds * 1000);
    },
    async close(stream) {
      open.delete(stream);
      if (open.size === 0) {
        clearInterval(timer);
        timer = undefined;
      }
      await store.closeStream(stream.id, stream.userId);
    },
    beat,
  };
}
