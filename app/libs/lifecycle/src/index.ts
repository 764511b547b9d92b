export { ownCommand, runMain, type MainOptions, type OwnCommand, type Stoppable } from "./run-main";
export { serveGrpcService, type RunningGrpcService } from "./serve-grpc-service";
