import { type Construct } from "constructs";
import { type EnvironmentConfig } from "./config/environment";
import { ClusterStack } from "./stacks/cluster-stack";
import { DataStack } from "./stacks/data-stack";
import { MessagingStack } from "./stacks/messaging-stack";
import { NetworkStack } from "./stacks/network-stack";
import { PlatformStack } from "./stacks/platform-stack";

/**
 * The stacks of one environment, in deploy order: network, then cluster, data and messaging (the
 * data stores admit only the network's client security groups, so they need no cluster), then
 * platform.
 */
export function addEnvironmentStacks(scope: Construct, environment: EnvironmentConfig) {
  const { network } = new NetworkStack(scope, environment);
  const { kubernetes } = new ClusterStack(scope, environment, network);
  const { postgres } = new DataStack(scope, environment, network);
  const { rabbitmq } = new MessagingStack(scope, environment, network);
  new PlatformStack(scope, environment, { network, cluster: kubernetes, postgres, rabbitmq });
}
