import type { ReceivedEvent } from "@parley/event-bus";
import { notificationsFor } from "./notifications-for";

const base = {
  id: "6f1c2b5e-0000-4000-8000-000000000001",
  occurredAt: new Date(),
  attempt: 1,
  traceContext: {},
};

describe("who is notified of what", () => {
  it("when a message is sent, then every recipient but the sender is notified once", () => {
    const event: ReceivedEvent = {
      ...base,
      type: "message.sent",
      payload: {
        messageId: "m",
        conversationId: "c",
        senderId: "a",
        recipientIds: ["b", "a", "c", "b"],
        preview: "hi",
        sentAt: new Date(),
      },
    };
    expect(notificationsFor(event)).toEqual([
      {
        userId: "b",
        detail: {
          kind: "message_received",
          conversationId: "c",
          messageId: "m",
          senderId: "a",
          preview: "hi",
        },
      },
      {
        userId: "c",
        detail: {
          kind: "message_received",
          conversationId: "c",
          messageId: "m",
          senderId: "a",
          preview: "hi",
        },
      },
    ]);
  });

  it("when a user registers, then they get a welcome notification", () => {
    const event: ReceivedEvent = {
      ...base,
      type: "user.registered",
      payload: { userId: "u", username: "ada", registeredAt: new Date() },
    };
    expect(notificationsFor(event)).toEqual([{ userId: "u", detail: { kind: "welcome" } }]);
  });

  it("when a user signs in, then they are told of the new session", () => {
    const event: ReceivedEvent = {
      ...base,
      type: "user.logged_in",
      payload: { userId: "u", sessionId: "s", loggedInAt: new Date() },
    };
    expect(notificationsFor(event)).toEqual([
      { userId: "u", detail: { kind: "new_sign_in", sessionId: "s" } },
    ]);
  });
});
