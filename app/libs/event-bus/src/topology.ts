import type { Channel } from "amqplib";

/**
 * Names of everything on the broker, under one namespace (`AMQP_NAMESPACE`, default `parley`) so
 * that tests and several deployments can share a broker without seeing each other's messages.
 */
export function topologyNames(namespace: string) {
  return {
    /** Topic exchange of domain events; routing key = event type. */
    events: `${namespace}.events`,
    /** Where consumer queues dead-letter to; routing key = the queue's name. */
    deadLetters: `${namespace}.events.dlx`,
    /** Direct exchange of live notifications; routing key = recipient user id. */
    live: `${namespace}.live`,
    consumerQueue: (consumer: string) => `${namespace}.${consumer}.events`,
  };
}

export type TopologyNames = ReturnType<typeof topologyNames>;

/** Queues that belong to one consumer queue. */
export const retryQueueOf = (queue: string) => `${queue}.retry`;
export const deadLetterQueueOf = (queue: string) => `${queue}.dlq`;

/** Safety net on top of our own attempt count: a message redelivered this often (crash loops) is dead-lettered. */
const DELIVERY_LIMIT = 20;

export async function declareEventExchange(channel: Channel, names: TopologyNames): Promise<void> {
  await channel.assertExchange(names.events, "topic", { durable: true });
}

/**
 * Declares a consumer's queues, idempotently: a durable quorum queue bound to its event types, a
 * retry queue whose messages return to it when their per-message TTL (the backoff) expires, and
 * a dead-letter queue for what failed too often or cannot be read.
 */
export async function declareConsumerQueue(
  channel: Channel,
  names: TopologyNames,
  queue: string,
  eventTypes: readonly string[],
): Promise<void> {
  await declareEventExchange(channel, names);
  await channel.assertExchange(names.deadLetters, "direct", { durable: true });
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      "x-queue-type": "quorum",
      "x-dead-letter-exchange": names.deadLetters,
      "x-dead-letter-routing-key": queue,
      "x-delivery-limit": DELIVERY_LIMIT,
    },
  });
  const deadLetterQueue = deadLetterQueueOf(queue);
  await channel.assertQueue(deadLetterQueue, { durable: true, arguments: { "x-queue-type": "quorum" } });
  await channel.bindQueue(deadLetterQueue, names.deadLetters, queue);
  // Classic, because per-message TTL is what delays each retry.
  await channel.assertQueue(retryQueueOf(queue), {
    durable: true,
    arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue },
  });
  for (const type of eventTypes) await channel.bindQueue(queue, names.events, type);
}
