import { eventsV1 } from "@parley/contracts";

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/**
 * Every domain event: its type (also the routing key) and the protobuf message of its payload
 * in proto/parley/events/v1. Adding an event starts here.
 */
export const eventCodecs = {
  "message.sent": eventsV1.MessageSent as Codec<eventsV1.MessageSent>,
  "user.registered": eventsV1.UserRegistered as Codec<eventsV1.UserRegistered>,
  "user.logged_in": eventsV1.UserLoggedIn as Codec<eventsV1.UserLoggedIn>,
};

export type EventType = keyof typeof eventCodecs;
export type EventPayload<T extends EventType> = ReturnType<(typeof eventCodecs)[T]["decode"]>;

/** The payload schema version every event of this package carries (`event-version` header). */
export const EVENT_VERSION = "1";

export const isEventType = (type: unknown): type is EventType =>
  typeof type === "string" && Object.hasOwn(eventCodecs, type);

/** An event as a consumer receives it, with the W3C trace context of its delivery. */
export type ReceivedEvent = {
  [T in EventType]: {
    id: string;
    type: T;
    occurredAt: Date;
    payload: EventPayload<T>;
    attempt: number;
    traceContext: Record<string, string>;
  };
}[EventType];
