export { runMain, type MainOptions, type Stoppable } from "./run-main";
export {
  serveGrpcService,
  type GrpcServiceParts,
  type Releasable,
  type RunningGrpcService,
} from "./serve-grpc-service";
export { provisionConfigShape, provisionService, type BrokerRole, type ProvisionConfig } from "./provision";
