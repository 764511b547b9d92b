export { ensureDatabase, ensureDevSigningKey, reachable } from "./local-servers";
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
