import type {
  Metadata,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  UntypedServiceImplementation,
  sendUnaryData,
} from "@grpc/grpc-js";
import type { Caller } from "@parley/access-token";
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

/** A method name of a ts-proto service definition (`AuthServiceService`), e.g. `register`. */
export type MethodName<Definition> = keyof Definition & string;

type RequestOf<Method> = Method extends { requestDeserialize(value: Buffer): infer Req } ? Req : never;
type ResponseOf<Method> = Method extends { responseSerialize(value: infer Res): Buffer } ? Res : never;
/** Every method but the public ones is called with the caller its metadata authenticated. */
type ContextOf<Name, Public, Context> = Name extends Public ? Context : Context & { caller: Caller };

/** Promise-returning handlers for every method of a ts-proto service definition. */
export type Handlers<Definition, Public extends MethodName<Definition> = never> = {
  [Name in MethodName<Definition>]: Definition[Name] extends { responseStream: true }
    ? (
        request: RequestOf<Definition[Name]>,
        context: ContextOf<Name, Public, StreamContext<ResponseOf<Definition[Name]>>>,
      ) => Promise<void>
    : (
        request: RequestOf<Definition[Name]>,
        context: ContextOf<Name, Public, CallContext>,
      ) => Promise<ResponseOf<Definition[Name]>>;
};

/** Who may call a service's methods. */
export interface ServiceAccess<Public extends string> {
  /** The caller a call's metadata names; rejects with an `unauthenticated` AppError. */
  authenticate(metadata: Metadata): Promise<Caller>;
  /** Methods anyone may call; their handlers get no caller. */
  public?: readonly Public[];
}

type AnyHandler = (
  request: unknown,
  context: (CallContext | StreamContext<unknown>) & { caller?: Caller },
) => Promise<unknown>;
type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/** The calls in progress, so that shutdown can tell each one to stop. */
export type OpenCalls = Set<AbortController>;

/** `parley.auth.v1.AuthService`, from the paths its methods carry (`/parley.auth.v1.AuthService/Register`). */
export function serviceNameOf(definition: ServiceDefinition): string {
  const path = Object.values(definition)[0]?.path;
  const name = path && /^\/([^/]+)\//.exec(path)?.[1];
  if (!name) throw new Error("a service definition without methods has no name");
  return name;
}

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

/**
 * Every call is counted and timed (call-metrics.ts); its log line is at debug when it succeeded
 * (the gateway's access log and the trace already say so) and at info otherwise. A line per internal
 * call at info cost each service about a tenth of its CPU per send (issue 20's profiles).
 */
function logCall(logger: Logger, method: string, started: bigint, code: number) {
  const seconds = recordCall("server", method, code, started);
  logger[code === 0 ? "debug" : "info"](
    { rpc: method, code, duration_ms: Math.round(seconds * 1e5) / 100 },
    "grpc call",
  );
}

/**
 * Turns promise-returning handlers into a grpc-js service implementation: callers are
 * authenticated before their handler runs, errors become status codes in one place
 * (status-mapping.ts), each call writes one access-log line (at debug when it succeeded).
 */
export function implementService(
  definition: ServiceDefinition,
  handlers: object,
  access: ServiceAccess<string>,
  logger: Logger,
  openCalls: OpenCalls,
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  const publicMethods = new Set<string>(access.public ?? []);
  for (const [name, method] of Object.entries(definition)) {
    const handler = (handlers as Record<string, AnyHandler | undefined>)[name];
    if (!handler) throw new Error(`no handler for ${method.path}`);
    if (method.requestStream) throw new Error(`client streaming is not supported (${method.path})`);
    const serve = async (request: unknown, context: CallContext | StreamContext<unknown>) =>
      handler(
        request,
        publicMethods.has(name)
          ? context
          : { ...context, caller: await access.authenticate(context.metadata) },
      );

    implementation[name] = method.responseStream
      ? (call: ServerWritableStream<unknown, unknown>) => {
          const started = process.hrtime.bigint();
          const { context, done } = contextOf(call, method.path, logger, openCalls);
          const write = (message: unknown) =>
            new Promise<void>((resolve) => {
              if (call.write(message)) resolve();
              else call.once("drain", resolve);
            });
          serve(call.request, { ...context, write })
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
          serve(call.request, context)
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
