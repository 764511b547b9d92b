export { ensureDatabase, ensureDevSigningKey, reachable } from "./local-servers";
export {
  dataServices,
  removeCredentials,
  rolePrefixOf,
  type DataService,
  type PlatformCredentials,
  type ServiceCredentials,
} from "./credentials";
export { freePort } from "./free-port";
export { type LoneGateway, servedOpenApiDocument, startLoneGateway } from "./lone-gateway";
export {
  launcherVariables,
  repositoryRoot,
  startPlatform,
  type Platform,
  type PlatformOptions,
  type ServiceName,
} from "./platform";
export type { ServiceProcess } from "./service-process";
