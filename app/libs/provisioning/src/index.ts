export { provisionConfigShape, provisionService, type BrokerRole, type ProvisionConfig } from "./provision";
