export { accessLogger, createLogger, redactedPaths, type Logger, type LoggerOptions } from "./create-logger";
