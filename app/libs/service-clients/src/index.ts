import { type AccessTokenVerifier, createAccessTokenVerifier } from "@parley/access-token";
import { authV1, messagingV1, notificationV1 } from "@parley/contracts";
import { callUnary, createClient } from "@parley/grpc";

export type AuthClient = authV1.AuthServiceClient;
export type MessagingClient = messagingV1.MessagingServiceClient;
export type NotificationClient = notificationV1.NotificationServiceClient;

export function createAuthClient(address: string): AuthClient {
  return createClient(authV1.AuthServiceClient, address, {
    idempotentMethods: ["verifyToken", "getJwks", "getUsers", "getUserByUsername", "logout"],
  });
}

export function createMessagingClient(address: string): MessagingClient {
  return createClient(messagingV1.MessagingServiceClient, address, {
    // sendMessage is idempotent too: the client's idempotency key makes a repeat return the first message.
    idempotentMethods: [
      "getOrCreateDirectConversation",
      "listConversations",
      "getConversation",
      "listMembers",
      "sendMessage",
      "listMessages",
      "markRead",
      "checkSharedConversations",
    ],
  });
}

export function createNotificationClient(address: string): NotificationClient {
  return createClient(notificationV1.NotificationServiceClient, address, {
    idempotentMethods: [
      "listNotifications",
      "markNotificationRead",
      "markAllNotificationsRead",
      "getPresence",
    ],
  });
}

/** Verifies access tokens locally with the key set the auth service publishes. */
export function verifierFromAuth(
  auth: AuthClient,
  settings: { issuer: string; audience: string; timeoutMs: number },
): AccessTokenVerifier {
  return createAccessTokenVerifier({
    fetchKeys: async () => (await callUnary(auth, "getJwks", {}, { timeoutMs: settings.timeoutMs })).keys,
    issuer: settings.issuer,
    audience: settings.audience,
  });
}
