import { sendMessage } from "@parley/api-client";
import type { DeliveryLedger, SendRecord } from "./deliveries";
import { errorKind } from "./http-load";
import { messageBody } from "./message-payload";
import { runOpenLoop } from "./open-loop";
import type { Population } from "./population";
import type { ProcessFigures, ProcessSampler } from "./process-sampler";
import { eventually } from "@parley/test-support";
import { type Summary, countInto, summarize } from "./statistics";

export interface PhaseResult {
  name: string;
  /** The arrival rate asked for (sends per second). */
  targetRate: number;
  durationS: number;
  sends: number;
  /** Sends answered 201 per second of the phase. */
  acceptedPerS: number;
  /**
   * Live deliveries per second: the phase's deliveries, counted on the recipients' streams, over
   * the time from its first send to its last delivery.
   */
  deliveredPerS: number;
  httpLatencyMs: Summary;
  deliveryLatencyMs: Summary;
  errors: Record<string, number>;
  /** Deliveries still missing when the phase's drain time ran out. */
  behind: number;
  /** Deliveries seen more than once so far in the run (any phase). */
  duplicates: number;
  processes: Record<string, ProcessFigures>;
  /** Outbox rows not yet published when the phase ended (before the drain), when known. */
  outboxBacklog: number | null;
}

export interface PhaseContext {
  gatewayUrl: string;
  population: Population;
  ledger: DeliveryLedger;
  sampler: ProcessSampler | undefined;
  /** Pending outbox rows of the messaging service, when the benchmark can see its database. */
  outboxBacklog: (() => Promise<number>) | undefined;
  /** How long to wait for the last deliveries after the last send was answered. */
  drainMs: number;
  /** Every send of the run, for the final lost-delivery count. */
  allSends: SendRecord[];
}

/** Sends messages through the gateway at a fixed rate for a while and measures what came of them. */
export async function runPhase(
  context: PhaseContext,
  name: string,
  rate: number,
  durationMs: number,
): Promise<PhaseResult> {
  const { population, ledger } = context;
  const sends: SendRecord[] = [];
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  const mark = await context.sampler?.mark();
  let counter = 0;
  const started = performance.now();

  await runOpenLoop(rate, durationMs, async (scheduledAt) => {
    const { conversations } = population;
    const conversation = conversations[counter % conversations.length]!;
    const sender =
      conversation.members[Math.floor(counter / conversations.length) % conversation.members.length]!;
    counter += 1;
    const record: SendRecord = {
      scheduledAt,
      recipientIds: conversation.members.filter((m) => m.id !== sender.id).map((m) => m.id),
    };
    sends.push(record);
    try {
      const { data, response } = await sendMessage(
        sender.api,
        conversation.id,
        messageBody(`${name} #${counter}`),
        {
          attempts: 1,
        },
      );
      if (response.status === 201) {
        latencies.push(performance.now() - scheduledAt);
        record.messageId = data!.id;
      } else countInto(errors, errorKind(response));
    } catch (error) {
      countInto(errors, errorKind(error as Error));
    }
  });
  const elapsedS = (performance.now() - started) / 1000;
  const processes = Object.fromEntries((await mark?.end()) ?? []);
  const outboxBacklog = context.outboxBacklog ? await context.outboxBacklog() : null;

  const deliveriesSoFar = () => {
    ledger.collect();
    return ledger.deliveriesOf(sends);
  };
  await eventually(() => deliveriesSoFar().missing === 0, context.drainMs, 50);
  const deliveries = deliveriesSoFar();
  context.allSends.push(...sends);
  const accepted = sends.filter((send) => send.messageId).length;
  return {
    name,
    targetRate: rate,
    durationS: elapsedS,
    sends: sends.length,
    acceptedPerS: accepted / elapsedS,
    deliveredPerS:
      deliveries.latencies.length / Math.max(elapsedS, (deliveries.lastArrival - started) / 1000),
    httpLatencyMs: summarize(latencies),
    deliveryLatencyMs: summarize(deliveries.latencies),
    errors,
    behind: deliveries.missing,
    duplicates: ledger.duplicates,
    processes,
    outboxBacklog,
  };
}
