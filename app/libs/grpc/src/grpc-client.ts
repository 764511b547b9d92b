import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientOptions,
  type ClientReadableStream,
  type ClientUnaryCall,
  credentials,
  Metadata,
  type ServiceDefinition,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import { grpcClientMetrics } from "@parley/metrics";
import { recordCall } from "./call-metrics";
import { serviceNameOf } from "./service-handlers";
import { fromGrpcError } from "./status-mapping";

/** A generated client class; `service` is its definition, whose paths name the service. */
type ClientConstructor<C extends Client> = (new (
  address: string,
  credentials: ChannelCredentials,
  options?: Partial<ClientOptions>,
) => C) & { service: ServiceDefinition };

export interface ClientSettings<C> {
  /**
   * Methods safe to repeat (reads, and writes made idempotent by a key): the channel retries them
   * on UNAVAILABLE, within the call's deadline.
   */
  idempotentMethods?: UnaryMethodName<C>[];
}

/** `VerifyToken` for the client method `verifyToken`: the name the service config matches on. */
function protoMethodName(definition: ServiceDefinition, method: string): string {
  const path = definition[method]?.path;
  if (!path) throw new Error(`no method ${method} in ${serviceNameOf(definition)}`);
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * A client for one service. Calls are balanced round-robin over every address the name resolves
 * to (use `dns:///name:port` with a headless Service to spread over replicas).
 */
export function createClient<C extends Client>(
  Constructor: ClientConstructor<C>,
  address: string,
  { idempotentMethods = [] }: ClientSettings<C> = {},
): C {
  const service = serviceNameOf(Constructor.service);
  const methodConfig = idempotentMethods.length
    ? [
        {
          name: idempotentMethods.map((method) => ({
            service,
            method: protoMethodName(Constructor.service, String(method)),
          })),
          retryPolicy: {
            maxAttempts: 3,
            initialBackoff: "0.05s",
            maxBackoff: "0.5s",
            backoffMultiplier: 2,
            retryableStatusCodes: ["UNAVAILABLE"],
          },
        },
      ]
    : [];
  grpcClientMetrics(); // exposes the families from the start, before the first call completes
  return new Constructor(address, credentials.createInsecure(), {
    "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }], methodConfig }),
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
    "grpc.max_receive_message_length": 4 * 1024 * 1024,
  });
}

export interface CallSettings {
  metadata?: Metadata;
  /** Absolute deadline; the default is `timeoutMs` from now. */
  deadline?: Date;
  /** Used when no deadline is given. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

type UnaryMethodName<C> = {
  [K in keyof C]: C[K] extends UnaryMethod<infer _Req, infer _Res> ? K : never;
}[keyof C];

type RequestOf<M> = M extends UnaryMethod<infer Req, infer _Res> ? Req : never;
type ResponseOf<M> = M extends UnaryMethod<infer _Req, infer Res> ? Res : never;

function deadlineOf({ deadline, timeoutMs = DEFAULT_TIMEOUT_MS }: CallSettings): Date {
  return deadline ?? new Date(Date.now() + timeoutMs);
}

/** Calls a unary method with a deadline; failures reject with an AppError. */
export function callUnary<C extends Client, K extends UnaryMethodName<C>>(
  client: C,
  method: K,
  request: RequestOf<C[K]>,
  settings: CallSettings = {},
): Promise<ResponseOf<C[K]>> {
  // grpc-js gives each generated method its path (`/package.Service/Method`), used as metric labels.
  const fn = client[method] as unknown as UnaryMethod<RequestOf<C[K]>, ResponseOf<C[K]>> & { path?: string };
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    fn.call(
      client,
      request,
      settings.metadata ?? new Metadata(),
      { deadline: deadlineOf(settings) },
      (error, response) => {
        recordCall("client", fn.path ?? `/unknown/${String(method)}`, error?.code ?? status.OK, started);
        if (error) reject(fromGrpcError(error));
        else resolve(response);
      },
    );
  });
}

type StreamMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options?: Partial<CallOptions>,
) => ClientReadableStream<Res>;

/** Opens a server-streaming call. Long-lived streams take no deadline unless one is given. */
export function openStream<Req, Res>(
  client: Client,
  method: StreamMethod<Req, Res>,
  request: Req,
  settings: Omit<CallSettings, "timeoutMs"> = {},
): ClientReadableStream<Res> {
  return method.call(
    client,
    request,
    settings.metadata ?? new Metadata(),
    settings.deadline ? { deadline: settings.deadline } : {},
  );
}
