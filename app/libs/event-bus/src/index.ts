export {
  brokerConnected,
  createBrokerConnection,
  type BrokerConnection,
  type BrokerOptions,
  type ManagedChannel,
} from "./broker-connection";
export {
  brokerPermissions,
  deleteBrokerUser,
  provisionBrokerUser,
  provisionMonitoringUser,
  type BrokerPermissions,
  type ManagementApi,
} from "./broker-users";
export {
  CreateProcessedEvents1732600000001,
  startEventConsumer,
  type ConsumerOptions,
  type EventConsumer,
  type Outcome,
} from "./event-consumer";
export {
  EVENT_VERSION,
  eventCodecs,
  isEventType,
  type EventPayload,
  type EventType,
  type ReceivedEvent,
} from "./event-types";
export {
  CreateOutbox1732600000000,
  outboxTransactions,
  type Enqueue,
  type OutboxTransaction,
  type OutboxTransactions,
} from "./outbox";
export { startOutboxRelay, type OutboxRelay, type OutboxRow, type RelayOptions } from "./outbox-relay";
export {
  deadLetterQueueOf,
  declareConsumerQueue,
  declareEventExchange,
  retryQueueOf,
  topologyNames,
  type TopologyNames,
} from "./topology";
