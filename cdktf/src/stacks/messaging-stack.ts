import { type Construct } from "constructs";
import { type EnvironmentConfig } from "../config/environment";
import { type NetworkModule } from "../modules/network";
import { RabbitmqModule } from "../modules/rabbitmq";
import { ParleyStack } from "./parley-stack";

export class MessagingStack extends ParleyStack {
  readonly rabbitmq: RabbitmqModule;

  constructor(scope: Construct, environment: EnvironmentConfig, network: NetworkModule) {
    super(scope, environment, "messaging");
    this.rabbitmq = new RabbitmqModule(this, "rabbitmq", {
      name: this.resourcePrefix,
      vpc_id: network.vpcId,
      subnet_ids: network.privateSubnetIds,
      // Only the pods that own data wear this group (a SecurityGroupPolicy in gitops/), not the cluster.
      allowed_security_groups: { clients: network.rabbitmqClientSecurityGroupId },
      // Prometheus wears this one (gitops/platform/prometheus-network), admitted on 443 only.
      metrics_security_groups: { prometheus: network.rabbitmqMetricsClientSecurityGroupId },
      deployment_mode: environment.messaging.deploymentMode,
      engine_version: environment.messaging.engineVersion,
      host_instance_type: environment.messaging.hostInstanceType,
      tags: this.tags,
    });
  }
}
