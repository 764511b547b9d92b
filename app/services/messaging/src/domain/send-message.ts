import { randomUUID } from "node:crypto";
import { AppError } from "@parley/errors";
import { enqueueEvent } from "@parley/event-bus";
import type { MessageRecord } from "../data-access/messaging-store";
import type { Caller } from "./caller";
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
 * Sends a message. In one transaction, under the conversation's row lock: check membership and
 * the idempotency key, number the message, store it and enqueue `message.sent` in the outbox.
 * A repeated key returns the first message without a new number or a second event; a broker
 * outage does not matter here, the relay publishes once it can.
 */
export async function sendMessage(
  deps: MessagingDependencies,
  caller: Caller,
  input: { conversationId: string; body: string; idempotencyKey: string },
): Promise<{ message: MessageRecord; created: boolean }> {
  const conversationId = requireId(input.conversationId, "conversation_id");
  const body = messageBody(input.body);
  const key = idempotencyKey(input.idempotencyKey);

  let outcome: { message: MessageRecord; created: boolean };
  try {
    outcome = await deps.store.inTransaction(async (tx) => {
      requireMember(await tx.lockMembership(conversationId, caller.userId));
      const first = await tx.findMessageByIdempotencyKey(caller.userId, key);
      if (first) return replay(first, conversationId, body);

      const { seq, sentAt } = await tx.takeNextSeq(conversationId);
      const message = await tx.insertMessage({
        id: randomUUID(),
        conversationId,
        senderId: caller.userId,
        body,
        sentAt,
        seq,
        idempotencyKey: key,
      });
      // Only a send to another conversation can take the key meanwhile (same-conversation sends
      // wait for the lock); undo the numbering and answer from the message that won.
      if (!message) throw new KeyTakenMeanwhile();

      const recipientIds = (await tx.memberIds(conversationId)).filter((id) => id !== caller.userId);
      await enqueueEvent(
        tx.manager,
        "message.sent",
        {
          messageId: message.id,
          conversationId,
          senderId: caller.userId,
          recipientIds,
          preview: preview(body),
          sentAt,
        },
        sentAt,
      );
      return { message, created: true };
    });
  } catch (error) {
    if (!(error instanceof KeyTakenMeanwhile)) throw error;
    const first = await deps.store.findMessageByIdempotencyKey(caller.userId, key);
    if (!first) throw new Error("idempotency key conflict without a stored message");
    return replay(first, conversationId, body);
  }
  if (outcome.created) deps.events.wake();
  return outcome;
}
