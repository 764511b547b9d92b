export { dropSchemas, testDatabaseUrl, uniqueName } from "./real-servers";
