import { randomUUID } from "node:crypto";
import { type Account, ApiClient, SseClient, directConversation, register } from "@parley/test-support";

export interface Shape {
  /** Direct conversations, each between two users of their own. */
  directPairs: number;
  /** Group conversations and the members of each (creator included). */
  groups: number;
  groupSize: number;
}

export interface Conversation {
  id: string;
  kind: "direct" | "group";
  members: Account[];
}

/** The users, their conversations, and one open live stream per user (every user receives). */
export interface Population {
  users: Account[];
  conversations: Conversation[];
  streams: Map<string, SseClient>;
  close(): void;
}

/** Users the shape needs: two per direct pair, then the groups' members (each group its own). */
export const usersFor = (shape: Shape): number => shape.directPairs * 2 + shape.groups * shape.groupSize;

/** Deliveries one send to each conversation makes, on average over the conversations. */
export function recipientsPerSend(shape: Shape): number {
  const conversations = shape.directPairs + shape.groups;
  return (shape.directPairs * 1 + shape.groups * (shape.groupSize - 1)) / conversations;
}

export async function createPopulation(gatewayUrl: string, shape: Shape): Promise<Population> {
  const api = new ApiClient(gatewayUrl);
  const run = randomUUID().slice(0, 4);
  const users: Account[] = [];
  for (let i = 0; i < usersFor(shape); i += 1)
    users.push(await register(api, `bench${run}u${i}_`, `bench-${randomUUID()}`));
  const conversations: Conversation[] = [];
  let next = 0;
  for (let pair = 0; pair < shape.directPairs; pair += 1) {
    const [a, b] = [users[next++]!, users[next++]!];
    conversations.push({ id: await directConversation(api, a, b), kind: "direct", members: [a, b] });
  }
  for (let group = 0; group < shape.groups; group += 1) {
    const members = users.slice(next, next + shape.groupSize);
    next += shape.groupSize;
    const response = await api.request("post", "/v1/conversations", {
      token: members[0]!.token,
      body: { title: `bench group ${group}`, memberIds: members.slice(1).map((m) => m.id) },
    });
    if (response.status !== 201) throw new Error(`creating a group answered ${response.status}`);
    conversations.push({ id: (response.body as { id: string }).id, kind: "group", members });
  }
  const streams = new Map<string, SseClient>();
  for (const user of users) {
    const stream = new SseClient(`${gatewayUrl}/v1/notifications/stream`, user.token);
    const status = await stream.connect();
    if (status !== 200) throw new Error(`opening ${user.username}'s stream answered ${status}`);
    streams.set(user.id, stream);
  }
  return { users, conversations, streams, close: () => streams.forEach((stream) => stream.close()) };
}
