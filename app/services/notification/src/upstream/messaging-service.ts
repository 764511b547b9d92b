import type { Caller } from "@parley/access-token";
import { bearerMetadata, callUnary } from "@parley/grpc";
import type { MessagingClient } from "@parley/service-clients";

/** The users among `userIds` who share a conversation with the caller, as the messaging service knows. */
export const sharedConversationsVia =
  (messaging: MessagingClient, timeoutMs: number) =>
  async (caller: Caller, userIds: string[]): Promise<string[]> =>
    (
      await callUnary(
        messaging,
        "checkSharedConversations",
        { userIds },
        { metadata: bearerMetadata(caller.accessToken), timeoutMs },
      )
    ).userIds;
