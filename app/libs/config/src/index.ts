export { ConfigError, loadConfig } from "./load-config";
export { secretFile } from "./secret-file";
export {
  brokerVariables,
  commonVariables,
  databaseVariables,
  env,
  migrateConfigShape,
  provisionVariables,
} from "./variables";
