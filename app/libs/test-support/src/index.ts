export { dropSchemas, testDatabaseUrl, uniqueName } from "./real-servers";
export { writeSigningKey } from "./signing-keys";
