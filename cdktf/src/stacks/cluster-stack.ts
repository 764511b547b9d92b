import { type Construct } from "constructs";
import { type EnvironmentConfig } from "../config/environment";
import { KubernetesModule } from "../modules/kubernetes";
import { type NetworkModule } from "../modules/network";
import { ParleyStack } from "./parley-stack";

export class ClusterStack extends ParleyStack {
  readonly kubernetes: KubernetesModule;

  constructor(scope: Construct, environment: EnvironmentConfig, network: NetworkModule) {
    super(scope, environment, "cluster");
    const { cluster } = environment;
    this.kubernetes = new KubernetesModule(this, "kubernetes", {
      name: this.resourcePrefix,
      kubernetes_version: cluster.kubernetesVersion,
      support_type: cluster.supportType,
      vpc_id: network.vpcId,
      subnet_ids: network.privateSubnetIds,
      endpoint_public_access_cidrs: cluster.endpointPublicAccessCidrs,
      admin_principal_arns: cluster.adminPrincipalArns,
      deletion_protection: cluster.deletionProtection,
      log_retention_days: environment.logRetentionDays,
      node_groups: Object.fromEntries(
        Object.entries(cluster.nodeGroups).map(([name, group]) => [
          name,
          {
            instance_types: group.instanceTypes,
            capacity_type: group.capacityType,
            min_size: group.minSize,
            max_size: group.maxSize,
            desired_size: group.desiredSize,
          },
        ]),
      ),
      tags: this.tags,
    });
  }
}
