import { deadLetterQueueOf, topologyNames } from "@parley/event-bus";
import {
  eventually,
  openTestChannel,
  type PlatformUnderTest,
  queueStats,
  startPlatformUnderTest,
  testDatabaseUrl,
} from "@parley/test-support";
import { Client } from "pg";

/**
 * The platform the fault scenarios run on: two gateways (streams move between them), two
 * notification replicas, one auth and one messaging process (so that killing messaging is an
 * outage callers see). Rate limits are out of the way; poison events give up after 3 attempts.
 */
export async function startFaultPlatform(): Promise<PlatformUnderTest> {
  const platform = await startPlatformUnderTest({
    replicas: { gateway: 2, notification: 2 },
    env: {
      RATE_LIMIT_PER_MINUTE: "10000000",
      RATE_LIMIT_AUTH_PER_MINUTE: "1000000",
      AUTH_ACCESS_TOKEN_TTL_SECONDS: "7200",
      CONSUMER_MAX_ATTEMPTS: "3",
    },
  });
  running.add(platform);
  return {
    ...platform,
    async teardown() {
      running.delete(platform);
      await platform.teardown();
    },
  };
}

/** Platforms started and not torn down yet (their processes run detached and would outlive us). */
const running = new Set<PlatformUnderTest>();

/** Tears down every platform still running (for an interrupted run). */
export async function teardownAll(): Promise<void> {
  for (const platform of [...running]) {
    running.delete(platform);
    await platform.teardown().catch(() => undefined);
  }
}

/** One SQL query on the test database, on a connection of its own (PostgreSQL may have restarted). */
export async function sql<Row>(text: string, parameters: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(text, parameters)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** Outbox rows not yet confirmed by the broker, per publishing service. */
export async function outboxBacklog(
  platform: PlatformUnderTest,
): Promise<{ messaging: number; auth: number }> {
  const pending = async (service: string) =>
    Number(
      (
        await sql<{ pending: string }>(
          `SELECT count(*) AS pending FROM "${platform.schemaPrefix}${service}".outbox WHERE published_at IS NULL`,
        )
      )[0]!.pending,
    );
  return { messaging: await pending("messaging"), auth: await pending("auth") };
}

/** Messages waiting in the notification consumer's queue and in its dead-letter queue. */
export async function consumerQueues(
  platform: PlatformUnderTest,
): Promise<{ ready: number; deadLettered: number }> {
  const names = topologyNames(platform.namespace);
  const queue = names.consumerQueue("notification");
  const { connection } = await openTestChannel();
  try {
    const main = await queueStats(connection, queue);
    const dead = await queueStats(connection, deadLetterQueueOf(queue));
    return { ready: main?.messageCount ?? 0, deadLettered: dead?.messageCount ?? 0 };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Waits until every replica of every service answers /readyz with 200; returns false on time-out. */
export async function waitAllReady(platform: PlatformUnderTest, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (const replica of [...platform.processes.values()].flat()) {
    const ready = () =>
      fetch(`http://127.0.0.1:${replica.adminPort}/readyz`, { signal: AbortSignal.timeout(3000) }).then(
        (response) => response.status === 200,
        () => false,
      );
    if (!(await eventually(ready, Math.max(0, deadline - Date.now()), 200))) return false;
  }
  return true;
}

/** Processes that exited although nobody killed them. */
export function crashedProcesses(platform: PlatformUnderTest): string[] {
  return [...platform.processes.values()]
    .flat()
    .filter((replica) => replica.child.exitCode !== null || replica.child.signalCode !== null)
    .map((replica) => replica.name);
}
