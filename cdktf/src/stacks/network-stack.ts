import { type Construct } from "constructs";
import { type EnvironmentConfig } from "../config/environment";
import { NetworkModule } from "../modules/network";
import { ParleyStack } from "./parley-stack";

export class NetworkStack extends ParleyStack {
  readonly network: NetworkModule;

  constructor(scope: Construct, environment: EnvironmentConfig) {
    super(scope, environment, "network");
    this.network = new NetworkModule(this, "network", {
      name: this.resourcePrefix,
      cidr_block: environment.network.cidrBlock,
      availability_zones: environment.availabilityZones,
      single_nat_gateway: environment.network.singleNatGateway,
      flow_log_retention_days: environment.logRetentionDays,
      cluster_name: this.resourcePrefix,
      tags: this.tags,
    });
  }
}
