import type { BrokerConnection, TopologyNames } from "@parley/event-bus";
import type { Logger } from "@parley/logger";
import type { Channel } from "amqplib";
import type { NotificationRecord } from "../data-access/records";

type Listener = (notification: NotificationRecord) => void;

export interface LiveHub {
  /**
   * Delivers notifications created by any replica for this user to `listener` until unsubscribed;
   * resolves once the broker routes the user's notifications here (or at once while it is away).
   */
  subscribe(userId: string, listener: Listener): Promise<() => void>;
  /** Fans a committed notification out to whichever replica holds the user's streams. Best effort. */
  publish(notification: NotificationRecord): void;
}

/**
 * The wire form between replicas of this service: the record as JSON. Nothing else reads the live
 * exchange, and a message a replica cannot read is only a live delivery lost, which streams
 * recover from the database.
 */
const encode = (notification: NotificationRecord) => Buffer.from(JSON.stringify(notification));

function decode(content: Buffer): NotificationRecord {
  const parsed = JSON.parse(content.toString()) as NotificationRecord;
  const date = (value: unknown) => new Date(value as string);
  return {
    ...parsed,
    occurredAt: date(parsed.occurredAt),
    createdAt: date(parsed.createdAt),
    readAt: parsed.readAt === null ? null : date(parsed.readAt),
  };
}

/**
 * Live fan-out across replicas: every replica owns an exclusive queue bound to the live exchange
 * with the ids of the users whose streams it holds. Losing a live message loses nothing: streams
 * catch up from the database on every heartbeat and whenever they see a gap in the sequence.
 */
export function createLiveHub(broker: BrokerConnection, names: TopologyNames, logger: Logger): LiveHub {
  const listeners = new Map<string, Set<Listener>>();
  let queue: string | undefined;

  const channel = broker.channel<Channel>({
    name: "live",
    confirm: false,
    async setup(ch) {
      await ch.assertExchange(names.live, "direct", { durable: true });
      const declared = await ch.assertQueue("", { exclusive: true, autoDelete: true, durable: false });
      queue = declared.queue;
      for (const userId of listeners.keys()) await ch.bindQueue(declared.queue, names.live, userId);
      await ch.consume(
        declared.queue,
        (message) => {
          if (!message) return;
          try {
            const notification = decode(message.content);
            for (const listener of listeners.get(message.fields.routingKey) ?? []) listener(notification);
          } catch (error) {
            logger.warn({ err: error }, "unreadable live notification ignored");
          }
        },
        { noAck: true },
      );
    },
  });

  const rebind = async (action: "bindQueue" | "unbindQueue", userId: string) => {
    const ch = channel.current();
    if (!ch || !queue) return;
    await ch[action](queue, names.live, userId).catch((error: unknown) =>
      logger.warn({ err: error, action }, "live binding change failed; streams will catch up on heartbeat"),
    );
  };

  return {
    async subscribe(userId, listener) {
      const set = listeners.get(userId) ?? new Set();
      const first = set.size === 0;
      set.add(listener);
      listeners.set(userId, set);
      if (first) await rebind("bindQueue", userId);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(userId) === set) {
          listeners.delete(userId);
          void rebind("unbindQueue", userId);
        }
      };
    },
    publish(notification) {
      const ch = channel.current();
      if (!ch) return;
      // Mandatory: a notification for a user with no open stream anywhere comes back as "returned"
      // (and is ignored: streams catch up from the database), so "dropped as unroutable" on the
      // broker means only what should alarm, an event no queue is bound for.
      ch.publish(names.live, notification.userId, encode(notification), {
        contentType: "application/json",
        mandatory: true,
      });
    },
  };
}
