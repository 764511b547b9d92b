export { ConfigError, loadConfig } from "./load-config";
export { brokerVariables, commonVariables, databaseVariables, env } from "./variables";
