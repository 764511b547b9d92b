export { type Account, directConversation, register, sendMessage } from "./accounts";
export {
  type ApiResponse,
  DocumentChecks,
  type OpenApiDocument,
  type SendOptions,
  type TestClient,
  answer,
  answerOf,
  createTestClient,
  send,
  sibling,
} from "./api";
export {
  ALL_SERVICES,
  type DocumentedVariable,
  configurationTable,
  portVariables,
} from "./configuration-table";
export { launchChromium } from "./browser";
export { eventually } from "./eventually";
export { deleteTopology, openTestChannel, publishRawEvent, queueStats, watchExchange } from "./broker";
export {
  type JsonSchema,
  type Operation,
  type OperationParameter,
  operationsOf,
  pathValues,
} from "./openapi-operations";
export {
  dropLauncherDatabase,
  runLauncher,
  startPlatformUnderTest,
  testAmqpUrl,
  type PlatformUnderTest,
} from "./platform-under-test";
export { type OtlpExport, OtlpSink, serviceNamesIn } from "./otlp-sink";
export { type Sample, parseMetrics, total } from "./prometheus-text";
export { readmeWalkthrough, runReadmeWalkthrough, walkthroughNotifications } from "./readme-walkthrough";
export { dropSchemas, testDatabaseUrl, uniqueName } from "./real-servers";
export { portAnswers, postgres, rabbitmq } from "./server-control";
export { type SseEvent, SseClient } from "./sse-client";
export { writeSigningKey } from "./signing-keys";
