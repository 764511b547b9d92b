import amqp, { type Channel, type ConfirmChannel } from "amqplib";
import { arrivalCount, runOpenLoop } from "../open-loop";
import { type Summary, summarize } from "../statistics";

/** The outbox relay's batch (publishes, then waits for the confirms) and the consumer's prefetch. */
const PUBLISH_BATCH = 100;
const PREFETCH = 32;

export interface RabbitMqResult {
  /** Messages published with confirms and consumed with manual acks per second, flat out. */
  maxPerSecond: number;
  /** Publish-to-consume latency at the platform's held rate. */
  latencyAtRate: { rate: number; latencyMs: Summary };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Consumes `queue` with manual acks, calling `received` with each message's publish time. */
async function consume(channel: Channel, queue: string, received: (publishedAt: number) => void) {
  await channel.prefetch(PREFETCH);
  await channel.consume(queue, (message) => {
    if (!message) return;
    received(Number(message.properties.headers?.["x-published-at"]));
    channel.ack(message);
  });
}

const publish = (channel: ConfirmChannel, queue: string, payload: Buffer) =>
  channel.sendToQueue(queue, payload, {
    persistent: true,
    headers: { "x-published-at": performance.now() },
  });

/**
 * RabbitMQ alone, on a durable quorum queue with the platform's payload size: first as fast as
 * it goes (publishing in the relay's batches with confirms, one consumer with the platform's
 * prefetch and manual acks), then open-loop at the platform's held rate for its latency; latency
 * at saturation would only measure the backlog.
 */
export async function rabbitMqBaseline(options: {
  amqpUrl: string;
  queue: string;
  payload: Buffer;
  maxDurationMs: number;
  rate: number;
  rateDurationMs: number;
}): Promise<RabbitMqResult> {
  const { amqpUrl, queue, payload } = options;
  const connection = await amqp.connect(amqpUrl);
  try {
    const publisher = await connection.createConfirmChannel();
    const consumer = await connection.createChannel();
    await publisher.assertQueue(queue, { durable: true, arguments: { "x-queue-type": "quorum" } });
    let consumed = 0;
    let latencies: number[] = [];
    await consume(consumer, queue, (publishedAt) => {
      consumed += 1;
      latencies.push(performance.now() - publishedAt);
    });

    const started = performance.now();
    let published = 0;
    while (performance.now() - started < options.maxDurationMs) {
      for (let i = 0; i < PUBLISH_BATCH; i += 1) publish(publisher, queue, payload);
      await publisher.waitForConfirms();
      published += PUBLISH_BATCH;
    }
    while (consumed < published) await sleep(5);
    const maxPerSecond = consumed / ((performance.now() - started) / 1000);

    latencies = [];
    await runOpenLoop(options.rate, options.rateDurationMs, async () => {
      publish(publisher, queue, payload);
      await publisher.waitForConfirms();
    });
    const expected = consumed + arrivalCount(options.rate, options.rateDurationMs);
    const deadline = performance.now() + 5000;
    while (consumed < expected && performance.now() < deadline) await sleep(5);
    return { maxPerSecond, latencyAtRate: { rate: options.rate, latencyMs: summarize(latencies) } };
  } finally {
    const cleanup = await connection.createChannel().catch(() => undefined);
    await cleanup?.deleteQueue(queue).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}
