import { randomUUID } from "node:crypto";
import { AppError } from "@parley/errors";
import type { MessageRecord } from "../data-access/messaging-store";
import type { Caller } from "@parley/access-token";
import type { MessagingDependencies } from "./dependencies";
import { requireMember } from "./membership";
import { idempotencyKey, messageBody, preview, requireId } from "./rules";

/** Thrown inside the transaction to roll it back when a concurrent send took the key first. */
class KeyTakenMeanwhile extends Error {}

/** The answer to a repeated key: the first message, if the repeat asks for the same thing. */
function replay(first: MessageRecord, conversationId: string, body: string) {
  if (first.conversationId !== conversationId || first.body !== body) {
    throw new AppError("failed_precondition", "Idempotency key already used for a different message.");
  }
  return { message: first, created: false };
}

/**
 * Sends a message. In one transaction, under the conversation's row lock: check membership, then
 * in one statement check the idempotency key, number and store the message, then enqueue
 * `message.sent` in the outbox (five round trips to PostgreSQL with BEGIN and COMMIT).
 * A repeated key returns the first message without a new number or a second event; a broker
 * outage does not matter here, the relay publishes once it can.
 */
export async function sendMessage(
  deps: Pick<MessagingDependencies, "store">,
  caller: Pick<Caller, "userId">,
  input: { conversationId: string; body: string; idempotencyKey: string },
): Promise<{ message: MessageRecord; created: boolean }> {
  const conversationId = requireId(input.conversationId, "conversation_id");
  const body = messageBody(input.body);
  const key = idempotencyKey(input.idempotencyKey);

  let outcome: { message: MessageRecord; created: boolean };
  try {
    outcome = await deps.store.inTransaction(async (tx) => {
      requireMember(await tx.lockMembership(conversationId, caller.userId));
      const appended = await tx.appendMessage({
        id: randomUUID(),
        conversationId,
        senderId: caller.userId,
        body,
        idempotencyKey: key,
      });
      if (appended.kind === "repeated") return replay(appended.message, conversationId, body);
      // Only a send to another conversation can take the key meanwhile (same-conversation sends
      // wait for the lock); undo the numbering and answer from the message that won.
      if (appended.kind === "key_taken") throw new KeyTakenMeanwhile();

      const { message, memberIds } = appended;
      await tx.enqueue(
        "message.sent",
        {
          messageId: message.id,
          conversationId,
          senderId: caller.userId,
          recipientIds: memberIds.filter((id) => id !== caller.userId),
          preview: preview(body),
          sentAt: message.sentAt,
        },
        message.sentAt,
      );
      return { message, created: true };
    });
  } catch (error) {
    if (!(error instanceof KeyTakenMeanwhile)) throw error;
    const first = await deps.store.findMessageByIdempotencyKey(caller.userId, key);
    if (!first) throw new Error("idempotency key conflict without a stored message");
    return replay(first, conversationId, body);
  }
  return outcome;
}
