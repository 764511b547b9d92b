export {
  connectionPoolGauges,
  eventConsumerMetrics,
  eventPublisherMetrics,
  grpcClientMetrics,
  grpcServerMetrics,
  httpServerMetrics,
  notificationMetrics,
  outboxGauges,
  sseStreamsOpen,
} from "./instruments";
export { initMetrics, registry, traceExemplar } from "./registry";
