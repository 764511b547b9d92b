export { createClient, callUnary, openStream, type CallSettings, type ClientSettings } from "./grpc-client";
export { createGrpcServer, service, type GrpcServer, type ServiceRegistration } from "./grpc-server";
export { bearerAuthentication, bearerMetadata } from "./metadata";
export { healthProbe } from "./health-probe";
export type { CallContext, Handlers, MethodName, ServiceAccess, StreamContext } from "./service-handlers";
export { fromGrpcError, toGrpcStatus } from "./status-mapping";
