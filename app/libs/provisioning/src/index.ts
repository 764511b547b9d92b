export {
  dataServiceCommands,
  provisionConfigShape,
  provisionService,
  type BrokerRole,
  type ProvisionConfig,
} from "./provision";
