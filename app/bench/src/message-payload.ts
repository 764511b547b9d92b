import { randomUUID } from "node:crypto";
import { eventCodecs } from "@parley/event-bus";

/** The text of every benchmark message: about 100 characters, like a short chat line. */
export const messageBody = (label: string): string => `bench ${label} ${"lorem ipsum ".repeat(8)}`;

/**
 * A `message.sent` event payload as the messaging service encodes it, for a send to `recipients`
 * others: the baselines store and publish the same bytes the platform does.
 */
export function messageSentPayload(body: string, recipients: number): Buffer {
  return Buffer.from(
    eventCodecs["message.sent"]
      .encode({
        messageId: randomUUID(),
        conversationId: randomUUID(),
        senderId: randomUUID(),
        recipientIds: Array.from({ length: recipients }, () => randomUUID()),
        preview: [...body].slice(0, 100).join(""),
        sentAt: new Date(),
      })
      .finish(),
  );
}
