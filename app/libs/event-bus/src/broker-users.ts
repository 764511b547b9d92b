import type { TopologyNames } from "./topology";

/** RabbitMQ permissions on one virtual host: regular expressions over exchange and queue names. */
export interface BrokerPermissions {
  configure: string;
  write: string;
  read: string;
}

export interface ManagementApi {
  /** The management plugin's HTTP API, e.g. http://127.0.0.1:15672 or Amazon MQ's console URL. */
  url: string;
  user: string;
  password: string;
}

const quote = (name: string) => name.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
const anyOf = (...names: string[]) => `^(${names.map(quote).join("|")})$`;
const NOTHING = "^$";

/**
 * What each service's broker user may do in its namespace, and nothing else:
 * - a publisher (auth, messaging) declares and publishes to the events exchange only;
 * - notification declares, binds and consumes its own queues (and its replicas' server-named live
 *   queues), publishes to the live exchange and, for retries, to its retry queue through the
 *   default exchange; it cannot publish events.
 */
export function brokerPermissions(
  names: TopologyNames,
  role: "publisher" | { consumer: string },
): BrokerPermissions {
  if (role === "publisher")
    return { configure: anyOf(names.events), write: anyOf(names.events), read: NOTHING };
  const queue = names.consumerQueue(role.consumer);
  const queues = [queue, `${queue}.retry`, `${queue}.dlq`];
  const liveQueues = "amq\\.gen-.*";
  const exchanges = [names.events, names.deadLetters, names.live];
  const ownQueuesAnd = (...more: string[]) =>
    `^(${[...more.map(quote), ...queues.map(quote), liveQueues].join("|")})$`;
  return {
    configure: ownQueuesAnd(...exchanges),
    // Declaring a queue with a dead-letter exchange needs write on that exchange; retries go
    // through the default exchange; binding writes to the queue.
    write: ownQueuesAnd(names.deadLetters, names.live, "amq.default"),
    read: ownQueuesAnd(...exchanges),
  };
}

async function call(api: ManagementApi, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(new URL(path, api.url), {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${api.user}:${api.password}`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok && !(method === "DELETE" && response.status === 404))
    throw new Error(`RabbitMQ management API: ${method} ${path} answered ${response.status}`);
  return response;
}

/**
 * Creates or updates a service's broker user (no management tags, so no management access) with
 * its password and its permissions on `vhost`, through the management API as the administrator.
 */
export async function provisionBrokerUser(
  api: ManagementApi,
  user: { name: string; password: string; vhost?: string; permissions: BrokerPermissions },
): Promise<void> {
  const vhost = encodeURIComponent(user.vhost ?? "/");
  const name = encodeURIComponent(user.name);
  await call(api, "PUT", `/api/users/${name}`, { password: user.password, tags: "" });
  await call(api, "PUT", `/api/permissions/${vhost}/${name}`, user.permissions);
}

/**
 * Creates or updates the broker's monitoring login: the tag `monitoring` (the management API's
 * read-only views and the Prometheus endpoint) and no permissions on any virtual host, so it can
 * neither publish nor consume.
 */
export async function provisionMonitoringUser(
  api: ManagementApi,
  user: { name: string; password: string },
): Promise<void> {
  await call(api, "PUT", `/api/users/${encodeURIComponent(user.name)}`, {
    password: user.password,
    tags: "monitoring",
  });
}

/** Deletes a broker user (tests clean up with it); a missing one is fine. */
export async function deleteBrokerUser(api: ManagementApi, name: string): Promise<void> {
  await call(api, "DELETE", `/api/users/${encodeURIComponent(name)}`);
}
