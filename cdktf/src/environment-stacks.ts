import { type Construct } from "constructs";
import { type EnvironmentConfig } from "./config/environment";
import { ClusterStack } from "./stacks/cluster-stack";
import { DataStack } from "./stacks/data-stack";
import { MessagingStack } from "./stacks/messaging-stack";
import { NetworkStack } from "./stacks/network-stack";
import { PlatformStack } from "./stacks/platform-stack";

/**
 * The stacks of one environment, in deploy order: network, cluster, then data and messaging
 * (which admit only the cluster's security group), then platform.
 */
export function addEnvironmentStacks(scope: Construct, environment: EnvironmentConfig) {
  const { network } = new NetworkStack(scope, environment);
  const { kubernetes } = new ClusterStack(scope, environment, network);
  const { postgres } = new DataStack(scope, environment, network, kubernetes);
  const { rabbitmq } = new MessagingStack(scope, environment, network, kubernetes);
  new PlatformStack(scope, environment, { cluster: kubernetes, postgres, rabbitmq });
}
