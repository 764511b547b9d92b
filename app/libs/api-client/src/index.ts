export {
  type ApiClient,
  type ApiClientOptions,
  ApiError,
  type Problem,
  type Schemas,
  type SendOptions,
  Session,
  type Tokens,
  createApiClient,
  sendMessage,
  resumeSession,
  signIn,
  signOut,
} from "./client";
export type { paths } from "./gen/schema";
export type { Middleware } from "openapi-fetch";
export {
  type ConnectOptions,
  NotificationStream,
  type NotificationStreamOptions,
  type NotificationStreamState,
  type StreamConnection,
  type StreamEvent,
  connectNotificationStream,
} from "./notification-stream";
