import { join } from "node:path";

export * as authV1 from "./gen/parley/auth/v1/auth";
export * as messagingV1 from "./gen/parley/messaging/v1/messaging";
export * as notificationV1 from "./gen/parley/notification/v1/notification";
export * as eventsV1 from "./gen/parley/events/v1/events";
export { codePointLength, isUuid, limits, patternOf } from "./limits";

/** The compiled protobuf descriptors of every proto/ file (written by `npm run proto`), for gRPC reflection. */
export const descriptorSetPath = join(__dirname, "..", "descriptor.binpb");
