import { type messagingV1 } from "@parley/contracts";
import type { Handlers } from "@parley/grpc";
import { addMembers } from "../../domain/add-members";
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
 * gRPC methods of parley.messaging.v1.MessagingService, all for an authenticated caller: call the
 * use case, shape the answer.
 */
export function messagingHandlers(
  deps: MessagingDependencies,
): Handlers<typeof messagingV1.MessagingServiceService> {
  return {
    createGroupConversation: async (request, { caller }) => ({
      conversation: toConversation(await createGroupConversation(deps, caller, request)),
    }),
    getOrCreateDirectConversation: async (request, { caller }) => {
      const result = await getOrCreateDirectConversation(deps, caller, request);
      return { conversation: toConversation(result.conversation), created: result.created };
    },
    listConversations: async (request, { caller }) => {
      const page = await listConversations(deps, caller, request);
      return { conversations: page.conversations.map(toSummary), nextPageToken: page.nextPageToken };
    },
    getConversation: async (request, { caller }) => ({
      conversation: toSummary(await getConversation(deps, caller, request)),
    }),
    listMembers: async (request, { caller }) => ({
      members: (await listMembers(deps, caller, request)).map(toMember),
    }),
    addMembers: async (request, { caller }) => ({
      members: (await addMembers(deps, caller, request)).map(toMember),
    }),
    removeMember: async (request, { caller }) => {
      await removeMember(deps, caller, request);
      return {};
    },
    leaveConversation: async (request, { caller }) => {
      await leaveConversation(deps, caller, request);
      return {};
    },
    sendMessage: async (request, { caller }) => {
      const result = await sendMessage(deps, caller, request);
      return { message: toMessage(result.message), created: result.created };
    },
    listMessages: async (request, { caller }) => {
      const page = await listMessages(deps, caller, request);
      return { messages: page.messages.map(toMessage), nextCursor: page.nextCursor };
    },
    markRead: async (request, { caller }) => markRead(deps, caller, request),
    checkSharedConversations: async (request, { caller }) => ({
      userIds: await checkSharedConversations(deps, caller, request),
    }),
  };
}
