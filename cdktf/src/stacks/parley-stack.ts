import { S3Backend, TerraformStack } from "cdktf";
import { type Construct } from "constructs";
import { type EnvironmentConfig } from "../config/environment";
import { AwsProvider } from "../providers";

export type StackComponent = "network" | "cluster" | "data" | "messaging" | "platform";

/**
 * A stack of one environment: its state in the environment's S3 bucket with S3-native locking,
 * and an AWS provider bound to the environment's account that tags everything it creates.
 */
export class ParleyStack extends TerraformStack {
  readonly environment: EnvironmentConfig;
  readonly tags: Record<string, string>;

  constructor(scope: Construct, environment: EnvironmentConfig, component: StackComponent) {
    super(scope, `parley-${environment.name}-${component}`);
    this.environment = environment;
    this.tags = { Component: component };

    const backend = new S3Backend(this, {
      bucket: environment.stateBucket,
      key: `${environment.name}/${component}.tfstate`,
      region: environment.region,
      encrypt: true,
    });
    // Terraform >= 1.10 locks with a lock file next to the state; cdktf 0.21 has no typed option.
    backend.addOverride("use_lockfile", true);

    new AwsProvider(this, "aws", {
      region: environment.region,
      allowed_account_ids: [environment.accountId],
      default_tags: [
        {
          tags: {
            Project: "parley",
            Environment: environment.name,
            ManagedBy: "cdktf",
            Stack: `parley-${environment.name}-${component}`,
          },
        },
      ],
    });
  }

  /** The environment's name prefix of AWS resources, e.g. `parley-dev`. */
  get resourcePrefix(): string {
    return `parley-${this.environment.name}`;
  }
}
