import { type Construct } from "constructs";
import { LocalModule } from "./local-module";

export interface RabbitmqInputs {
  name: string;
  vpc_id: string;
  subnet_ids: string[];
  allowed_security_groups: Record<string, string>;
  metrics_security_groups?: Record<string, string>;
  deployment_mode?: "SINGLE_INSTANCE" | "CLUSTER_MULTI_AZ";
  engine_version?: string;
  host_instance_type?: string;
  admin_username?: string;
  admin_secret_version?: number;
  maintenance_window?: { day_of_week: string; time_of_day: string };
  tags?: Record<string, string>;
}

export class RabbitmqModule extends LocalModule<RabbitmqInputs> {
  constructor(scope: Construct, id: string, inputs: RabbitmqInputs) {
    super(scope, id, "rabbitmq", inputs);
  }

  get amqpEndpoint(): string {
    return this.getString("amqp_endpoint");
  }

  get credentialsSecretArn(): string {
    return this.getString("credentials_secret_arn");
  }

  get managementUrl(): string {
    return this.getString("management_url");
  }

  get credentialsSecretName(): string {
    return this.getString("credentials_secret_name");
  }

  get credentialsKmsKeyArn(): string {
    return this.getString("credentials_kms_key_arn");
  }
}
