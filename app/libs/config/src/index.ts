export { ConfigError, loadConfig } from "./load-config";
export { commonVariables, databaseVariables, env } from "./variables";
