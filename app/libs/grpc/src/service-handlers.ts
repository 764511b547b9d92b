import type {
  Metadata,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  UntypedServiceImplementation,
  handleServerStreamingCall,
  handleUnaryCall,
  sendUnaryData,
} from "@grpc/grpc-js";
import type { Logger } from "@parley/logger";
import { recordCall } from "./call-metrics";
import { toGrpcStatus } from "./status-mapping";

/** What a handler knows about the call it serves. */
export interface CallContext {
  metadata: Metadata;
  /** The client's deadline, if it set one; calls made on the way should not outlive it. */
  deadline: Date | undefined;
  /** Aborted when the client cancels or the server shuts down. */
  signal: AbortSignal;
  logger: Logger;
}

export interface StreamContext<Res> extends CallContext {
  /** Writes one message; resolves when the transport can take more (back-pressure). */
  write(message: Res): Promise<void>;
}

type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };

/** Promise-returning handlers for every method of a ts-proto `...Server` interface. */
export type Handlers<Server> = {
  [K in KnownKeys<Server>]: Server[K] extends handleUnaryCall<infer Req, infer Res>
    ? (request: Req, context: CallContext) => Promise<Res>
    : Server[K] extends handleServerStreamingCall<infer Req, infer Res>
      ? (request: Req, context: StreamContext<Res>) => Promise<void>
      : never;
};

type AnyHandler = (request: unknown, context: CallContext | StreamContext<unknown>) => Promise<unknown>;
type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/** The calls in progress, so that shutdown can tell each one to stop. */
export type OpenCalls = Set<AbortController>;

function contextOf(call: AnyCall, method: string, logger: Logger, openCalls: OpenCalls) {
  const controller = new AbortController();
  call.on("cancelled", () => controller.abort());
  openCalls.add(controller);
  const deadline = call.getDeadline();
  const context: CallContext = {
    metadata: call.metadata,
    deadline:
      deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
    signal: controller.signal,
    logger: logger.child({ rpc: method }),
  };
  return { context, done: () => openCalls.delete(controller) };
}

function logCall(logger: Logger, method: string, started: bigint, code: number) {
  const seconds = recordCall("server", method, code, started);
  logger.info({ rpc: method, code, duration_ms: Math.round(seconds * 1e5) / 100 }, "grpc call");
}

/**
 * Turns promise-returning handlers into a grpc-js service implementation: errors become status
 * codes in one place (status-mapping.ts), each call writes one access-log line.
 */
export function implementService<Server>(
  definition: ServiceDefinition,
  handlers: Handlers<Server>,
  logger: Logger,
  openCalls: OpenCalls,
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const handler = (handlers as Record<string, AnyHandler | undefined>)[name];
    if (!handler) throw new Error(`no handler for ${method.path}`);
    if (method.requestStream) throw new Error(`client streaming is not supported (${method.path})`);

    implementation[name] = method.responseStream
      ? (call: ServerWritableStream<unknown, unknown>) => {
          const started = process.hrtime.bigint();
          const { context, done } = contextOf(call, method.path, logger, openCalls);
          const write = (message: unknown) =>
            new Promise<void>((resolve) => {
              if (call.write(message)) resolve();
              else call.once("drain", resolve);
            });
          handler(call.request, { ...context, write })
            .finally(done)
            .then(
              () => {
                logCall(logger, method.path, started, 0);
                call.end();
              },
              (error: unknown) => {
                const status = toGrpcStatus(error, context.logger);
                logCall(logger, method.path, started, status.code ?? 2);
                if (!call.cancelled) call.emit("error", status);
              },
            );
        }
      : (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
          const started = process.hrtime.bigint();
          const { context, done } = contextOf(call, method.path, logger, openCalls);
          handler(call.request, context)
            .finally(done)
            .then(
              (response) => {
                logCall(logger, method.path, started, 0);
                callback(null, response);
              },
              (error: unknown) => {
                const status = toGrpcStatus(error, context.logger);
                logCall(logger, method.path, started, status.code ?? 2);
                callback(status, null);
              },
            );
        };
  }
  return implementation;
}
