import { TerraformProvider } from "cdktf";
import { type Construct } from "constructs";

/**
 * The provider blocks the stacks configure, typed and named as Terraform reads them. The stacks
 * create no resource through a provider (the modules do), so these few arguments are all they
 * need of the prebuilt binding packages, which are deprecated with CDKTF, weigh over 500 MB and do
 * not exist for Helm and Kubernetes under CDK Terrain. Built on the core `TerraformProvider`, the
 * same code synthesizes under both (README.md, "CDK Terrain").
 *
 * Each root stack pins its providers exactly, within the ranges of the modules' `versions.tf`;
 * `test/policy` holds both to that.
 */
interface ProviderRequirement {
  name: string;
  source: string;
  version: string;
}

class ProviderBlock<Arguments extends object> extends TerraformProvider {
  constructor(
    scope: Construct,
    id: string,
    { name, source, version }: ProviderRequirement,
    private readonly settings: Arguments,
  ) {
    super(scope, id, {
      terraformResourceType: name,
      terraformGeneratorMetadata: { providerName: name, providerVersion: version },
      terraformProviderSource: source,
    });
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return { ...(this.settings as Record<string, unknown>) };
  }
}

export interface AwsProviderArguments {
  region: string;
  allowed_account_ids: string[];
  default_tags: Array<{ tags: Record<string, string> }>;
}

export class AwsProvider extends ProviderBlock<AwsProviderArguments> {
  constructor(scope: Construct, id: string, args: AwsProviderArguments) {
    super(scope, id, { name: "aws", source: "hashicorp/aws", version: "6.25.0" }, args);
  }
}

/** Credentials from a command each run, e.g. `aws eks get-token`. */
export interface ExecCredentials {
  api_version: string;
  command: string;
  args: string[];
}

export interface KubernetesConnection {
  host: string;
  cluster_ca_certificate: string;
}

/** The Kubernetes provider 2.x takes `exec` as a block. */
export interface KubernetesProviderArguments extends KubernetesConnection {
  exec: [ExecCredentials];
}

export class KubernetesProvider extends ProviderBlock<KubernetesProviderArguments> {
  constructor(scope: Construct, id: string, args: KubernetesProviderArguments) {
    super(scope, id, { name: "kubernetes", source: "hashicorp/kubernetes", version: "2.38.0" }, args);
  }
}

/** The Helm provider 3.x takes `kubernetes` and its `exec` as attributes (objects), not blocks. */
export interface HelmProviderArguments {
  kubernetes: KubernetesConnection & { exec: ExecCredentials };
}

export class HelmProvider extends ProviderBlock<HelmProviderArguments> {
  constructor(scope: Construct, id: string, args: HelmProviderArguments) {
    super(scope, id, { name: "helm", source: "hashicorp/helm", version: "3.1.1" }, args);
  }
}
