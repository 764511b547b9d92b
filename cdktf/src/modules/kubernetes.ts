import { type Construct } from "constructs";
import { LocalModule } from "./local-module";

export interface NodeGroupInputs {
  instance_types: string[];
  capacity_type?: "ON_DEMAND" | "SPOT";
  min_size: number;
  max_size: number;
  desired_size: number;
  disk_size_gib?: number;
  labels?: Record<string, string>;
}

export interface KubernetesInputs {
  name: string;
  kubernetes_version?: string;
  support_type?: "STANDARD" | "EXTENDED";
  vpc_id: string;
  subnet_ids: string[];
  endpoint_public_access_cidrs?: string[];
  /** The only cluster administrators (the creator gets no access entry of its own). */
  admin_principal_arns: string[];
  node_groups: Record<string, NodeGroupInputs>;
  deletion_protection?: boolean;
  log_retention_days?: number;
  tags?: Record<string, string>;
}

export class KubernetesModule extends LocalModule<KubernetesInputs> {
  constructor(scope: Construct, id: string, inputs: KubernetesInputs) {
    super(scope, id, "kubernetes", inputs);
  }

  get clusterName(): string {
    return this.getString("cluster_name");
  }

  get clusterEndpoint(): string {
    return this.getString("cluster_endpoint");
  }

  get clusterCertificateAuthorityData(): string {
    return this.getString("cluster_certificate_authority_data");
  }

  get clusterSecurityGroupId(): string {
    return this.getString("cluster_security_group_id");
  }

  get oidcProviderArn(): string {
    return this.getString("oidc_provider_arn");
  }

  get oidcIssuerHost(): string {
    return this.getString("oidc_issuer_host");
  }
}
