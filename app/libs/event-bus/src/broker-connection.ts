import { backoffDelay } from "@parley/backoff";
import type { Logger } from "@parley/logger";
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from "amqplib";

export interface ChannelSpec<C extends Channel> {
  /** For logs. */
  name: string;
  confirm: C extends ConfirmChannel ? true : false;
  /** Runs on every new channel: declare topology, set prefetch, start consuming. */
  setup(channel: C): Promise<void>;
}

export interface ManagedChannel<C extends Channel> {
  /** The open channel, if any. */
  current(): C | undefined;
}

export interface BrokerConnection {
  /** A channel that is reopened (and set up again) whenever it or the connection is lost. */
  channel<C extends Channel>(spec: ChannelSpec<C>): ManagedChannel<C>;
  isConnected(): boolean;
  /** Resolves once connected (never rejects; used at start-up to wait briefly). */
  connected(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface BrokerOptions {
  url: string;
  /** Asked at every (re)connect, so a rotated password needs no restart; else the URL's. */
  password?: () => Promise<string>;
  /** Shown in the broker's management UI. */
  clientName: string;
  logger: Logger;
  minDelayMs?: number;
  maxDelayMs?: number;
}

async function withPassword(url: string, password: BrokerOptions["password"]): Promise<string> {
  if (!password) return url;
  const withSecret = new URL(url);
  withSecret.password = encodeURIComponent(await password());
  return withSecret.toString();
}

/**
 * A RabbitMQ connection that keeps itself up: it reconnects with exponential backoff (full jitter) and reopens
 * each managed channel (running its setup again) after the connection or the channel is lost.
 * Nothing here ever throws at its users: while the broker is away, `current()` is undefined.
 */
export function createBrokerConnection(options: BrokerOptions): BrokerConnection {
  const { url, clientName, logger, minDelayMs = 200, maxDelayMs = 10_000 } = options;
  const retryDelay = (attempt: number) => backoffDelay(attempt, { baseMs: minDelayMs, maxMs: maxDelayMs });
  const specs: ChannelSpec<Channel>[] = [];
  const open = new Map<ChannelSpec<Channel>, Channel>();
  let connection: ChannelModel | undefined;
  let closing = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let waiters: (() => void)[] = [];

  async function openChannel(model: ChannelModel, spec: ChannelSpec<Channel>, attempt = 0): Promise<void> {
    if (closing || connection !== model) return;
    try {
      const channel = spec.confirm ? await model.createConfirmChannel() : await model.createChannel();
      channel.on("error", (error: Error) =>
        logger.warn({ channel: spec.name, err: error }, "broker channel error"),
      );
      channel.on("close", () => {
        open.delete(spec);
        if (!closing && connection === model) {
          logger.warn({ channel: spec.name }, "broker channel closed; reopening");
          setTimeout(() => void openChannel(model, spec, attempt + 1), retryDelay(attempt)).unref();
        }
      });
      await spec.setup(channel);
      open.set(spec, channel);
    } catch (error) {
      logger.warn({ channel: spec.name, err: error }, "broker channel setup failed");
      if (!closing && connection === model) {
        setTimeout(() => void openChannel(model, spec, attempt + 1), retryDelay(attempt)).unref();
      }
    }
  }

  async function connect(attempt: number): Promise<void> {
    reconnectTimer = undefined;
    if (closing) return;
    try {
      const model = await amqp.connect(await withPassword(url, options.password), {
        clientProperties: { connection_name: clientName },
      });
      connection = model;
      model.on("error", (error: Error) => logger.warn({ err: error }, "broker connection error"));
      model.on("close", () => {
        open.clear();
        if (connection === model) connection = undefined;
        if (!closing) {
          logger.warn("broker connection lost; reconnecting");
          reconnectTimer = setTimeout(() => void connect(1), retryDelay(0));
        }
      });
      logger.info("connected to the broker");
      for (const spec of specs) await openChannel(model, spec);
      for (const wake of waiters) wake();
      waiters = [];
    } catch (error) {
      const delay = retryDelay(attempt);
      logger.warn({ err: error, retryInMs: delay }, "cannot reach the broker; retrying");
      reconnectTimer = setTimeout(() => void connect(attempt + 1), delay);
    }
  }

  void connect(0);

  return {
    channel<C extends Channel>(spec: ChannelSpec<C>): ManagedChannel<C> {
      const generic = spec as unknown as ChannelSpec<Channel>;
      specs.push(generic);
      if (connection) void openChannel(connection, generic);
      return { current: () => open.get(generic) as C | undefined };
    },
    isConnected: () => connection !== undefined,
    connected(timeoutMs) {
      if (connection) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      closing = true;
      clearTimeout(reconnectTimer);
      for (const wake of waiters) wake();
      waiters = [];
      const model = connection;
      connection = undefined;
      await model?.close().catch(() => undefined);
    },
  };
}

/** Readiness check: rejects while the broker is unreachable. */
export function brokerConnected(broker: BrokerConnection): void {
  if (!broker.isConnected()) throw new Error("not connected to the broker");
}
