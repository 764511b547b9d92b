import { messagingV1 } from "@parley/contracts";
import { type CallContext, type Handlers, bearerTokenOf } from "@parley/grpc";
import { addMembers } from "../../domain/add-members";
import { authenticate } from "../../domain/caller";
import { checkSharedConversations } from "../../domain/check-shared-conversations";
import { createGroupConversation } from "../../domain/create-group-conversation";
import type { MessagingDependencies } from "../../domain/dependencies";
import { getConversation } from "../../domain/get-conversation";
import { getOrCreateDirectConversation } from "../../domain/get-or-create-direct-conversation";
import { leaveConversation } from "../../domain/leave-conversation";
import { listConversations } from "../../domain/list-conversations";
import { listMembers } from "../../domain/list-members";
import { listMessages } from "../../domain/list-messages";
import { markRead } from "../../domain/mark-read";
import { removeMember } from "../../domain/remove-member";
import { sendMessage } from "../../domain/send-message";
import { toConversation, toMember, toMessage, toSummary } from "./to-proto";

/**
 * gRPC methods of parley.messaging.v1.MessagingService: authenticate the caller from the call's
 * metadata, call the use case, shape the answer.
 */
export function messagingHandlers(deps: MessagingDependencies): Handlers<messagingV1.MessagingServiceServer> {
  const caller = (metadata: CallContext["metadata"]) => authenticate(deps, bearerTokenOf(metadata));
  return {
    createGroupConversation: async (request, { metadata }) => ({
      conversation: toConversation(await createGroupConversation(deps, await caller(metadata), request)),
    }),
    getOrCreateDirectConversation: async (request, { metadata }) => {
      const result = await getOrCreateDirectConversation(deps, await caller(metadata), request);
      return { conversation: toConversation(result.conversation), created: result.created };
    },
    listConversations: async (request, { metadata }) => {
      const page = await listConversations(deps, await caller(metadata), request);
      return { conversations: page.conversations.map(toSummary), nextPageToken: page.nextPageToken };
    },
    getConversation: async (request, { metadata }) => ({
      conversation: toSummary(await getConversation(deps, await caller(metadata), request)),
    }),
    listMembers: async (request, { metadata }) => ({
      members: (await listMembers(deps, await caller(metadata), request)).map(toMember),
    }),
    addMembers: async (request, { metadata }) => ({
      members: (await addMembers(deps, await caller(metadata), request)).map(toMember),
    }),
    removeMember: async (request, { metadata }) => {
      await removeMember(deps, await caller(metadata), request);
      return {};
    },
    leaveConversation: async (request, { metadata }) => {
      await leaveConversation(deps, await caller(metadata), request);
      return {};
    },
    sendMessage: async (request, { metadata }) => {
      const result = await sendMessage(deps, await caller(metadata), request);
      return { message: toMessage(result.message), created: result.created };
    },
    listMessages: async (request, { metadata }) => {
      const page = await listMessages(deps, await caller(metadata), request);
      return { messages: page.messages.map(toMessage), nextCursor: page.nextCursor };
    },
    markRead: async (request, { metadata }) => markRead(deps, await caller(metadata), request),
    checkSharedConversations: async (request, { metadata }) => ({
      userIds: await checkSharedConversations(deps, await caller(metadata), request),
    }),
  };
}

export const messagingServiceName = `${messagingV1.protobufPackage}.MessagingService`;
