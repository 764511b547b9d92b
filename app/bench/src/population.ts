import { randomUUID } from "node:crypto";
import { type ApiClient, signIn } from "@parley/api-client";
import { SseClient } from "@parley/test-support";
import { benchClient } from "./http-load";

/** A registered user with a client signed in as them. */
export interface Member {
  id: string;
  username: string;
  token: string;
  api: ApiClient;
}

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
  members: Member[];
}

/** The users, their conversations, and one open live stream per user (every user receives). */
export interface Population {
  users: Member[];
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
  const run = randomUUID().slice(0, 4);
  const users: Member[] = [];
  for (let i = 0; i < usersFor(shape); i += 1) {
    const api = benchClient(gatewayUrl);
    const { user, tokens } = await signIn(api, "register", {
      username: `bench${run}u${i}_${randomUUID().slice(0, 8)}`,
      password: `bench-${randomUUID()}`,
    });
    users.push({ id: user.id, username: user.username, token: tokens.accessToken, api });
  }
  const conversations: Conversation[] = [];
  const created = async (request: Promise<{ data?: { id: string }; response: Response }>, what: string) => {
    const { data, response } = await request;
    if (!data) throw new Error(`creating a ${what} answered ${response.status}`);
    return data.id;
  };
  let next = 0;
  for (let pair = 0; pair < shape.directPairs; pair += 1) {
    const [a, b] = [users[next++]!, users[next++]!];
    const id = await created(
      a.api.POST("/v1/conversations/direct", { body: { userId: b.id } }),
      "direct conversation",
    );
    conversations.push({ id, kind: "direct", members: [a, b] });
  }
  for (let group = 0; group < shape.groups; group += 1) {
    const members = users.slice(next, next + shape.groupSize);
    next += shape.groupSize;
    const id = await created(
      members[0]!.api.POST("/v1/conversations", {
        body: { title: `bench group ${group}`, memberIds: members.slice(1).map((m) => m.id) },
      }),
      "group",
    );
    conversations.push({ id, kind: "group", members });
  }
  const streams = new Map<string, SseClient>();
  for (const user of users) {
    const stream = new SseClient(gatewayUrl, user.token);
    const status = await stream.connect();
    if (status !== 200) throw new Error(`opening ${user.username}'s stream answered ${status}`);
    streams.set(user.id, stream);
  }
  return { users, conversations, streams, close: () => streams.forEach((stream) => stream.close()) };
}
