import { SseClient } from "@parley/test-support";
import { DeliveryLedger, type SendRecord } from "./deliveries";
import type { Population } from "./population";
import { recipientsPerSend, usersFor } from "./population";

const notification = (messageId: string, receivedAt: number, kind = "message_received") => ({
  event: "notification",
  data: JSON.stringify({ sequence: 1, kind, detail: { messageId } }),
  receivedAt,
});

function population(): { population: Population; bob: SseClient; cy: SseClient } {
  const bob = new SseClient("http://unused", "token");
  const cy = new SseClient("http://unused", "token");
  const streams = new Map([
    ["bob", bob],
    ["cy", cy],
  ]);
  return { population: { users: [], conversations: [], streams, close: () => undefined }, bob, cy };
}

const send = (messageId: string | undefined, scheduledAt: number, recipientIds: string[]): SendRecord => ({
  scheduledAt,
  messageId,
  recipientIds,
});

describe("the delivery ledger", () => {
  it("when every recipient got the message, then latencies run from the send's due time to each arrival", () => {
    const { population: p, bob, cy } = population();
    bob.events.push(notification("m1", 150));
    cy.events.push(notification("m1", 180), { event: "heartbeat", data: "", receivedAt: 190 });
    const ledger = new DeliveryLedger(p);
    ledger.collect();
    expect(ledger.deliveriesOf([send("m1", 100, ["bob", "cy"])])).toEqual({
      latencies: [50, 80],
      missing: 0,
      expected: 2,
      lastArrival: 180,
    });
    expect(bob.events).toHaveLength(0);
  });

  it("when a recipient has not got it, then it is missing; refused sends expect nothing", () => {
    const { population: p, bob } = population();
    bob.events.push(notification("m1", 150), notification("m2", 160, "user_joined"));
    const ledger = new DeliveryLedger(p);
    ledger.collect();
    const result = ledger.deliveriesOf([send("m1", 100, ["bob", "cy"]), send(undefined, 100, ["bob"])]);
    expect(result).toMatchObject({ missing: 1, expected: 2 });
  });

  it("when a message reaches the same user twice, then the second arrival is a duplicate, not a delivery", () => {
    const { population: p, bob } = population();
    bob.events.push(notification("m1", 150), notification("m1", 400));
    const ledger = new DeliveryLedger(p);
    ledger.collect();
    expect(ledger.duplicates).toBe(1);
    expect(ledger.deliveriesOf([send("m1", 100, ["bob"])]).latencies).toEqual([50]);
  });
});

describe("the population's shape", () => {
  it("when conversations are direct pairs and groups, then users and deliveries per send follow", () => {
    const shape = { directPairs: 8, groups: 2, groupSize: 5 };
    expect(usersFor(shape)).toBe(26);
    expect(recipientsPerSend(shape)).toBeCloseTo(1.6, 6);
  });
});
