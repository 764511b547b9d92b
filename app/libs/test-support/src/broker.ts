import { randomUUID } from "node:crypto";
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import { eventually } from "./eventually";
import { testAmqpUrl } from "./platform-under-test";

/** A channel on the test broker, for observing and cleaning up. */
export async function openTestChannel(): Promise<{ connection: ChannelModel; channel: Channel }> {
  const connection = await amqp.connect(testAmqpUrl);
  const channel = await connection.createChannel();
  return { connection, channel };
}

/** Collects every message routed to `routingKeys` on `exchange` through a temporary queue. */
export async function watchExchange(
  channel: Channel,
  exchange: string,
  routingKeys: string[],
): Promise<{
  messages: ConsumeMessage[];
  waitFor(count: number, timeoutMs?: number): Promise<ConsumeMessage[]>;
}> {
  await channel.assertExchange(exchange, "topic", { durable: true });
  const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true });
  for (const key of routingKeys) await channel.bindQueue(queue, exchange, key);
  const messages: ConsumeMessage[] = [];
  await channel.consume(queue, (message) => message && messages.push(message), { noAck: true });
  return {
    messages,
    async waitFor(count, timeoutMs = 10_000) {
      await eventually(() => messages.length >= count, timeoutMs, 20);
      return messages;
    },
  };
}

/**
 * Publishes an event as the outbox relay would, bypassing it: the encoded payload with the
 * envelope headers consumers read. `headers` replaces or adds some (to break the envelope on
 * purpose). Returns the event id.
 */
export function publishRawEvent(
  channel: Channel,
  exchange: string,
  type: string,
  payload: Uint8Array,
  options: { eventId?: string; headers?: Record<string, unknown> } = {},
): string {
  const eventId = options.eventId ?? randomUUID();
  channel.publish(exchange, type, Buffer.from(payload), {
    persistent: true,
    headers: {
      "event-id": eventId,
      "event-type": type,
      "event-version": "1",
      "occurred-at": new Date().toISOString(),
      ...options.headers,
    },
  });
  return eventId;
}

/** Message and consumer counts of a queue, or undefined when it does not exist (yet). */
export async function queueStats(
  connection: ChannelModel,
  queue: string,
): Promise<{ messageCount: number; consumerCount: number } | undefined> {
  // A failed check closes its channel, so each check gets a channel of its own.
  const channel = await connection.createChannel();
  channel.on("error", () => undefined);
  try {
    const { messageCount, consumerCount } = await channel.checkQueue(queue);
    return { messageCount, consumerCount };
  } catch {
    return undefined;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** Deletes the queues and exchanges a test declared (by name; the broker cannot list them over AMQP). */
export async function deleteTopology(channel: Channel, queues: string[], exchanges: string[]): Promise<void> {
  for (const queue of queues) await channel.deleteQueue(queue);
  for (const exchange of exchanges) await channel.deleteExchange(exchange);
}
