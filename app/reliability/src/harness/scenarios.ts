import { randomUUID } from "node:crypto";
import { eventCodecs, topologyNames } from "@parley/event-bus";
import {
  eventually,
  openTestChannel,
  type PlatformUnderTest,
  postgres,
  rabbitmq,
} from "@parley/test-support";
import { consumerQueues, outboxBacklog } from "./platform";
import type { Population } from "./workload";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ScenarioContext {
  platform: PlatformUnderTest;
  population: Population;
  /** How long the fault lasts while the load goes on. */
  outageMs: number;
  /** Facts worth printing under the table (what the fault really did). */
  note(text: string): void;
}

/** One fault: how to cause it, how to end it, and any check of its own after recovery. */
export interface Scenario {
  name: string;
  /** Sends that get no answer at all are expected only when the gateway they talk to dies. */
  lostConnectionsExpected?: boolean;
  /** Breaks something and keeps it broken for `outageMs` (or as long as the fault lasts by nature). */
  inject(context: ScenarioContext): Promise<void>;
  /** Ends the fault: starts what was stopped. Runs even when `inject` failed half-way. */
  restore(context: ScenarioContext): Promise<void>;
  /** Problems found by the scenario's own checks, after the platform recovered. */
  verify?(context: ScenarioContext): Promise<string[]>;
}

const killAll = (platform: PlatformUnderTest, name: "notification" | "messaging" | "gateway") =>
  Promise.all(platform.processes.get(name)!.map((replica) => replica.kill()));

const restartAll = async (platform: PlatformUnderTest, name: "notification" | "messaging" | "gateway") => {
  const replicas = platform.processes.get(name)!;
  await Promise.all(
    replicas.map((replica, index) =>
      replica.child.exitCode === null && replica.child.signalCode === null
        ? undefined
        : platform.restart(name, index),
    ),
  );
};

export const brokerStopApp: Scenario = {
  name: "rabbitmq stop_app/start_app",
  async inject({ outageMs }) {
    await rabbitmq.stopApp();
    await sleep(outageMs);
  },
  restore: () => rabbitmq.ensureUp(),
};

export const brokerKilled: Scenario = {
  name: "rabbitmq kill -9, restart",
  async inject({ outageMs }) {
    await rabbitmq.killHard();
    await sleep(outageMs);
  },
  restore: () => rabbitmq.ensureUp(),
};

export const postgresRestarted: Scenario = {
  name: "postgresql restart (immediate)",
  async inject() {
    // The outage is the restart itself: every connection is cut, then crash recovery runs.
    await postgres.restartImmediate();
  },
  restore: () => postgres.ensureUp(),
};

export const notificationKilled: Scenario = {
  name: "notification kill -9, restart",
  async inject({ platform, outageMs }) {
    await killAll(platform, "notification");
    await sleep(outageMs);
  },
  restore: ({ platform }) => restartAll(platform, "notification"),
};

export const messagingKilledWithUnconfirmedPublishes: Scenario = {
  name: "messaging kill -9 (unconfirmed publishes)",
  async inject({ platform, outageMs, note }) {
    // A memory alarm makes the broker stop reading from publishing connections: the relay's
    // publishes stay unconfirmed, and its outbox rows stay locked and unmarked, until the kill.
    await rabbitmq.setMemoryHighWatermark(0);
    const blocked = await eventually(
      async () =>
        (await outboxBacklog(platform)).messaging > 0 &&
        (await rabbitmq.connections()).some((c) => c.state === "blocked"),
      15_000,
      200,
    );
    const pending = (await outboxBacklog(platform)).messaging;
    note(
      blocked
        ? `messaging was killed with ${pending} outbox rows published but unconfirmed (broker blocked)`
        : `the relay was not seen blocked within 15 s; killed with ${pending} rows pending`,
    );
    await killAll(platform, "messaging");
    await rabbitmq.ensureUp();
    await sleep(outageMs);
  },
  async restore({ platform }) {
    await rabbitmq.ensureUp();
    await restartAll(platform, "messaging");
  },
};

export const gatewayKilled: Scenario = {
  name: "gateway kill -9 (open streams)",
  lostConnectionsExpected: true,
  async inject({ platform, outageMs, population, note }) {
    const [first] = platform.processes.get("gateway")!;
    const onIt = [...population.receivers.values()].filter((r) => r.currentGateway === 0).length;
    await first!.kill();
    note(`gateway 1 was killed with ${onIt} of the ${population.receivers.size} live streams open on it`);
    await sleep(outageMs);
  },
  restore: ({ platform }) => restartAll(platform, "gateway"),
};

/** Remembers how many dead letters there were before the poison, to find exactly the new ones. */
let deadLettersBefore = 0;

export const poisonEvent: Scenario = {
  name: "poison events (to the DLQ)",
  async inject({ platform, population, outageMs, note }) {
    deadLettersBefore = (await consumerQueues(platform)).deadLettered;
    const names = topologyNames(platform.namespace);
    const busiest = population.conversations[0]!;
    const { connection } = await openTestChannel();
    try {
      const channel = await connection.createConfirmChannel();
      // Unreadable: no event id, and bytes that are no protobuf message.
      channel.publish(names.events, "message.sent", Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]), {
        persistent: true,
        headers: { "event-type": "message.sent" },
      });
      // Readable, but its handler fails every time (a recipient id that is no UUID), in the
      // conversation the load keeps sending to: the messages behind it must not wait for it.
      const payload = eventCodecs["message.sent"]
        .encode({
          messageId: randomUUID(),
          conversationId: busiest.id,
          senderId: busiest.memberIds[0]!,
          recipientIds: ["not-a-uuid"],
          preview: "poison",
          sentAt: new Date(),
        })
        .finish();
      channel.publish(names.events, "message.sent", Buffer.from(payload), {
        persistent: true,
        headers: {
          "event-id": randomUUID(),
          "event-type": "message.sent",
          "event-version": "1",
          "occurred-at": new Date().toISOString(),
        },
      });
      await channel.waitForConfirms();
      await connection.close();
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    note("two poison events: one unreadable, one whose handler fails on every attempt");
    await sleep(outageMs);
  },
  async restore() {},
  async verify({ platform }) {
    const arrived = await eventually(
      async () => (await consumerQueues(platform)).deadLettered >= deadLettersBefore + 2,
      30_000,
      250,
    );
    const { deadLettered } = await consumerQueues(platform);
    return arrived ? [] : [`expected 2 new dead letters, found ${deadLettered - deadLettersBefore}`];
  },
};

/** The seven faults, in the order the suite injects them. */
export const allScenarios: Scenario[] = [
  brokerStopApp,
  brokerKilled,
  postgresRestarted,
  notificationKilled,
  messagingKilledWithUnconfirmedPublishes,
  gatewayKilled,
  poisonEvent,
];
