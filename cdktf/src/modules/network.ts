import { type Construct } from "constructs";
import { LocalModule } from "./local-module";

export interface NetworkInputs {
  name: string;
  cidr_block: string;
  availability_zones: string[];
  single_nat_gateway?: boolean;
  flow_log_retention_days?: number;
  cluster_name?: string;
  tags?: Record<string, string>;
}

export class NetworkModule extends LocalModule<NetworkInputs> {
  constructor(scope: Construct, id: string, inputs: NetworkInputs) {
    super(scope, id, "network", inputs);
  }

  get vpcId(): string {
    return this.getString("vpc_id");
  }

  get privateSubnetIds(): string[] {
    return this.getList("private_subnet_ids");
  }

  get databaseSubnetIds(): string[] {
    return this.getList("database_subnet_ids");
  }

  /** The group RDS admits, worn by the pods a SecurityGroupPolicy gives it. */
  get postgresClientSecurityGroupId(): string {
    return this.getString("postgres_client_security_group_id");
  }

  /** The group Amazon MQ admits, worn by the pods a SecurityGroupPolicy gives it. */
  get rabbitmqClientSecurityGroupId(): string {
    return this.getString("rabbitmq_client_security_group_id");
  }

  /** The group Amazon MQ admits on its metrics port only, worn by the Prometheus pods. */
  get rabbitmqMetricsClientSecurityGroupId(): string {
    return this.getString("rabbitmq_metrics_client_security_group_id");
  }
}
