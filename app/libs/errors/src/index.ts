export * from "./app-error";
export { isTransientError, toAppError } from "./classify";
