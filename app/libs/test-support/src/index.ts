export { deleteTopology, eventually, openTestChannel, queueStats, watchExchange } from "./broker";
export { startPlatformUnderTest, testAmqpUrl, type PlatformUnderTest } from "./platform-under-test";
export { dropSchemas, testDatabaseUrl, uniqueName } from "./real-servers";
export { rabbitmq } from "./server-control";
export { writeSigningKey } from "./signing-keys";
